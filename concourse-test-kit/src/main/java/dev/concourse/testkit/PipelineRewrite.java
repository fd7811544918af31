package dev.concourse.testkit;

import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Points every resource of a pipeline at the test kit's scripted type. The original type is kept;
 * the original source only for the engine's native types ({@code mock}, {@code time}), which run
 * for real when the test does not script them. Other sources are dropped: a scripted resource
 * needs none, and their {@code ((vars))} (credentials) need not be given to test the pipeline.
 */
final class PipelineRewrite {

    private PipelineRewrite() {
    }

    static PipelineConfig scripted(PipelineConfig config, java.util.Set<String> nativeTypes) {
        List<ResourceConfig> resources = new ArrayList<>();
        for (ResourceConfig r : config.resources()) {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put(ScriptedResourceType.RESOURCE_KEY, r.name());
            source.put(ScriptedResourceType.TYPE_KEY, r.type());
            if (nativeTypes.contains(r.type())) {
                source.put(ScriptedResourceType.SOURCE_KEY, r.source());
            }
            resources.add(new ResourceConfig(r.name(), r.oldName(), r.isPublic(), r.webhookToken(),
                    ScriptedResourceType.NAME, source, r.checkEvery(), r.checkTimeout(), r.tags(), r.version(),
                    r.icon(), r.exposeBuildCreatedBy()));
        }
        return new PipelineConfig(config.groups(), config.varSources(), resources, config.resourceTypes(),
                config.prototypes(), config.jobs(), config.display(), config.userData());
    }
}
