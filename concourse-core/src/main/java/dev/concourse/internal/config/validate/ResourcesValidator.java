package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.GetStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PrototypeConfig;
import dev.concourse.config.PutStep;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code resources}, {@code resource_types} and {@code prototypes}: names, types, duplicates
 * (types and prototypes share one namespace), unused resources, and the durations Concourse
 * parses while loading ({@code check_every}, {@code check_timeout}).
 */
final class ResourcesValidator {
    private ResourcesValidator() {
    }

    static void validateResources(PipelineConfig config, SourceIndex sources, Findings findings) {
        Map<String, Location> names = new HashMap<>();
        for (int i = 0; i < config.resources().size(); i++) {
            ResourceConfig resource = config.resources().get(i);
            Location location = new Location("resources", i);
            String identifier = location.identifier(resource.name());
            named(findings, sources, names, location, resource, resource.name(), resource.type());
            Durations.checkEvery(findings, identifier, resource.checkEvery(), sources.locate(resource, "check_every"));
            Durations.plain(findings, identifier + ".check_timeout", resource.checkTimeout(),
                    sources.locate(resource, "check_timeout"));
        }

        Set<String> used = usedResources(config);
        for (ResourceConfig resource : config.resources()) {
            if (!used.contains(nz(resource.name()))) {
                findings.error("unused_resource", "resources", sources.locate(resource, "name"),
                        "resource '" + nz(resource.name()) + "' is not used");
            }
        }
    }

    static void validateResourceTypes(PipelineConfig config, SourceIndex sources, Findings findings,
            Map<String, Location> seenTypes) {
        for (int i = 0; i < config.resourceTypes().size(); i++) {
            ResourceTypeConfig type = config.resourceTypes().get(i);
            Location location = new Location("resource_types", i);
            named(findings, sources, seenTypes, location, type, type.name(), type.type());
            Durations.checkEvery(findings, location.identifier(type.name()), type.checkEvery(),
                    sources.locate(type, "check_every"));
        }
    }

    static void validatePrototypes(PipelineConfig config, SourceIndex sources, Findings findings,
            Map<String, Location> seenTypes) {
        for (int i = 0; i < config.prototypes().size(); i++) {
            PrototypeConfig prototype = config.prototypes().get(i);
            Location location = new Location("prototypes", i);
            named(findings, sources, seenTypes, location, prototype, prototype.name(), prototype.type());
            Durations.checkEvery(findings, location.identifier(prototype.name()), prototype.checkEvery(),
                    sources.locate(prototype, "check_every"));
        }
    }

    /** The checks Concourse repeats for each kind: identifier, same name, no name, no type. */
    private static void named(Findings findings, SourceIndex sources, Map<String, Location> seen,
            Location location, Object item, String name, String type) {
        String identifier = location.identifier(name);
        Identifiers.record(findings, name, List.of(identifier), sources.locate(item, "name"));

        Location other = seen.get(nz(name));
        if (other != null) {
            findings.error("duplicate_name", location.section(), sources.locate(item, "name"),
                    other + " and " + location + " have the same name ('" + nz(name) + "')");
        } else if (!nz(name).isEmpty()) {
            seen.put(name, location);
        }
        if (nz(name).isEmpty()) {
            findings.error("missing_name", identifier, sources.locate(item), "has no name");
        }
        if (nz(type).isEmpty()) {
            findings.error("missing_type", identifier, sources.locate(item), "has no type");
        }
    }

    private static Set<String> usedResources(PipelineConfig config) {
        Set<String> used = new HashSet<>();
        for (JobConfig job : config.jobs()) {
            StepTree.forEachStep(job, step -> {
                if (step instanceof GetStep get) {
                    used.add(nz(get.resourceName()));
                } else if (step instanceof PutStep put) {
                    used.add(nz(put.resourceName()));
                }
            });
        }
        return used;
    }
}
