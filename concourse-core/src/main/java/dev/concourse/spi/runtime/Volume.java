package dev.concourse.spi.runtime;

import java.io.InputStream;
import java.util.Map;

/** A directory on a worker that containers mount: an artifact, a cache, an image. */
public interface Volume {

    String handle();

    String workerName();

    /** Where it is on the worker's filesystem. */
    String path();

    /**
     * Extracts a tar stream into the volume at {@code path} (relative; {@code .} for the root),
     * creating that directory if missing, replacing existing files and restoring permission bits.
     *
     * @throws RuntimeOperationException if the tar is malformed or an entry would land outside the volume
     */
    void streamIn(String path, InputStream tar);

    /**
     * A tar stream of the file or directory at {@code path} (relative; {@code .} for the whole
     * volume): a directory's content with names relative to it ({@code ./a/b}, as
     * {@code tar -C path -cf - .}), or a single file under its file name; symbolic links inside
     * are kept as links. So {@code other.streamIn(".", v.streamOut("dir"))} copies the content of
     * {@code dir}. Produced while it is read, in bounded memory; the caller closes it.
     *
     * @throws RuntimeOperationException if there is nothing at that path
     */
    InputStream streamOut(String path);

    Map<String, String> properties();

    void setProperty(String name, String value);

    /** Removes it and its content. */
    void destroy();
}
