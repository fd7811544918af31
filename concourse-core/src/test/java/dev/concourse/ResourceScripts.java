package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Root file systems of container resource types for engine tests, made from the scripts in
 * {@code src/test/resources/resource-types/<name>/}, for {@code resource_types} of type
 * {@code local-image}; and bare git repositories for the git type.
 */
final class ResourceScripts {
    private ResourceScripts() {
    }

    /** Fails the test when a program the scripts use is missing (CI installs jq and git). */
    static void requireOnPath(String... programs) {
        String path = System.getenv("PATH");
        for (String program : programs) {
            boolean found = path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                    .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
            assertThat(found).as(program + " on PATH (apt-get install " + program + ")").isTrue();
        }
    }

    /** Writes {@code opt/resource/check}, {@code in} and {@code out} of test type {@code name} under {@code rootfs}. */
    static Path rootfs(String name, Path rootfs) {
        Path scripts = rootfs.resolve("opt/resource");
        try {
            Files.createDirectories(scripts);
            for (String script : List.of("check", "in", "out")) {
                String resource = "/resource-types/" + name + "/" + script;
                try (InputStream in = ResourceScripts.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no test resource " + resource);
                    }
                    Path target = scripts.resolve(script);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    if (!target.toFile().setExecutable(true)) {
                        throw new IOException("cannot make " + target + " executable");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rootfs;
    }

    /**
     * A bare repository whose branch {@code main} has one commit per content, each setting
     * {@code file.txt} to it (the message is the content); the commit ids, oldest first.
     */
    static List<String> gitRepository(Path bare, Path work, String... contents) {
        git(bare.getParent(), "init", "-q", "--bare", "--initial-branch=main", bare.toString());
        git(bare.getParent(), "clone", "-q", bare.toString(), work.toString());
        List<String> commits = new ArrayList<>();
        for (String content : contents) {
            try {
                Files.writeString(work.resolve("file.txt"), content, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            git(work, "add", "file.txt");
            git(work, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", content);
            commits.add(git(work, "rev-parse", "HEAD"));
        }
        git(work, "push", "-q", "origin", "HEAD:main");
        return commits;
    }

    /** Runs git in {@code dir}; its output, stripped. */
    static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("git " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running git", e);
        }
    }
}
