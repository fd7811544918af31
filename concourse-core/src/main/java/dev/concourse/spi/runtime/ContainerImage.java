package dev.concourse.spi.runtime;

/**
 * A container's root filesystem: none (local processes use the host's), a directory on the
 * worker ({@code raw:///path}), or a volume holding {@code rootfs/} and {@code metadata.json}
 * (what Concourse's image resources produce).
 *
 * @param rootfsUri a {@code raw://} URI, or null
 * @param volume    an image volume, or null
 */
public record ContainerImage(String rootfsUri, Volume volume) {

    /** No image: a runtime that needs one rejects the container. */
    public static final ContainerImage NONE = new ContainerImage(null, null);

    public static ContainerImage rootfs(String uri) {
        return new ContainerImage(uri, null);
    }

    public static ContainerImage fromVolume(Volume volume) {
        return new ContainerImage(null, volume);
    }

    public boolean isNone() {
        return rootfsUri == null && volume == null;
    }
}
