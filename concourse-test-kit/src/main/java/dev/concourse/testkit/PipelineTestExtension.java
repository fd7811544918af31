package dev.concourse.testkit;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link PipelineTest}: resolves {@link PipelineHarness}
 * parameters with a harness per test (kept in the test's extension store, so its
 * {@code @BeforeEach} methods and the test share it, and closed when the test ends), and adds the
 * step tree and log tail of every build to a failing test's exception.
 *
 * <p>Programmatic registration, for settings computed at run time:
 *
 * <pre>{@code
 * @RegisterExtension
 * static PipelineTestExtension ci = PipelineTestExtension.forPipeline(Path.of("ci/pipeline.yml"))
 *         .varsFile(Path.of("ci/vars.yml"))
 *         .var("branch", "main");
 * }</pre>
 *
 * <p>Stateless apart from its settings: safe for tests that run in parallel.
 */
public final class PipelineTestExtension implements ParameterResolver, TestExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            PipelineTestExtension.class);
    /** Log lines per build in diagnostics. */
    static final int DIAGNOSTIC_LOG_LINES = 15;

    private final Path pipeline;
    private final List<Path> varsFiles = new ArrayList<>();
    private final List<String[]> vars = new ArrayList<>();
    private String name;
    private boolean runUnmockedTasks;
    private Path snapshots;

    /** For {@link PipelineTest}: settings come from the annotation. */
    public PipelineTestExtension() {
        this.pipeline = null;
    }

    private PipelineTestExtension(Path pipeline) {
        this.pipeline = pipeline;
    }

    /** An extension for {@code @RegisterExtension} testing the pipeline in {@code file}. */
    public static PipelineTestExtension forPipeline(Path file) {
        return new PipelineTestExtension(Objects.requireNonNull(file, "file"));
    }

    public PipelineTestExtension varsFile(Path file) {
        varsFiles.add(Objects.requireNonNull(file, "file"));
        return this;
    }

    public PipelineTestExtension var(String name, String value) {
        vars.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")});
        return this;
    }

    public PipelineTestExtension name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    public PipelineTestExtension runUnmockedTasks(boolean run) {
        this.runUnmockedTasks = run;
        return this;
    }

    public PipelineTestExtension snapshotDirectory(Path directory) {
        this.snapshots = Objects.requireNonNull(directory, "directory");
        return this;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PipelineHarness.class;
    }

    @Override
    public PipelineHarness resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("a PipelineHarness belongs to one test: declare it on a @Test or"
                    + " @BeforeEach/@AfterEach method, not on " + parameter.getDeclaringExecutable());
        }
        return context.getStore(NAMESPACE).computeIfAbsent(PipelineHarness.class,
                k -> new ClosingHarness(create(context)), ClosingHarness.class).harness();
    }

    private PipelineHarness create(ExtensionContext context) {
        PipelineHarness.Builder builder;
        if (pipeline != null) {
            builder = PipelineHarness.builder(pipeline);
            varsFiles.forEach(builder::varsFile);
            vars.forEach(v -> builder.var(v[0], v[1]));
            if (name != null) {
                builder.name(name);
            }
            builder.runUnmockedTasks(runUnmockedTasks);
            builder.snapshotDirectory(snapshotRoot(snapshots, context));
        } else {
            PipelineTest settings = annotation(context).orElseThrow(() -> new ParameterResolutionException(
                    "PipelineTestExtension needs @PipelineTest(pipeline = ...) on the test class or method, or"
                            + " registration with @RegisterExtension PipelineTestExtension.forPipeline(...)"));
            builder = PipelineHarness.builder(Path.of(settings.pipeline()));
            for (String file : settings.vars()) {
                builder.varsFile(Path.of(file));
            }
            if (!settings.name().isEmpty()) {
                builder.name(settings.name());
            }
            builder.runUnmockedTasks(settings.runUnmockedTasks());
            builder.snapshotDirectory(snapshotRoot(Path.of(settings.snapshots()), context));
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot set up the pipeline under test: " + e.getMessage(), e);
        }
    }

    /** Snapshots of a test class live in a folder named after it. */
    private static Path snapshotRoot(Path base, ExtensionContext context) {
        Path root = base != null ? base : Path.of("src", "test", "resources", "pipeline-snapshots");
        return root.resolve(context.getRequiredTestClass().getName());
    }

    private static Optional<PipelineTest> annotation(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        Optional<PipelineTest> onMethod = method.flatMap(m -> AnnotationSupport.findAnnotation(m, PipelineTest.class));
        if (onMethod.isPresent()) {
            return onMethod;
        }
        for (Optional<Class<?>> type = context.getTestClass(); type.isPresent();
                type = Optional.ofNullable(type.get().getEnclosingClass())) {
            Optional<PipelineTest> found = AnnotationSupport.findAnnotation(type.get(), PipelineTest.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Adds what every build of the test's pipeline did to the failure, then rethrows it. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        ClosingHarness held = context.getStore(NAMESPACE).get(PipelineHarness.class, ClosingHarness.class);
        if (held != null && !held.harness().isClosed()) {
            try {
                String diagnostics = held.harness().diagnostics(DIAGNOSTIC_LOG_LINES);
                failure.addSuppressed(new PipelineDiagnostics(diagnostics));
                context.publishReportEntry("pipeline", diagnostics);
            } catch (RuntimeException | AssertionError e) {
                failure.addSuppressed(new PipelineDiagnostics("the builds could not be read for diagnostics: " + e));
            }
        }
        throw failure;
    }

    /** Closes the harness when JUnit closes the test's store (which closes AutoCloseable values). */
    private record ClosingHarness(PipelineHarness harness) implements AutoCloseable {
        @Override
        public void close() {
            harness.close();
        }
    }
}
