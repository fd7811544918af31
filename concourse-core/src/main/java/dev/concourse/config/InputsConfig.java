package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;

/**
 * The {@code inputs:} of a put step: {@code all} artifacts, {@code detect} (those named in
 * params, the default), or a list of artifact names.
 *
 * @param mode      which of the three
 * @param specified the artifact names when {@link Mode#SPECIFIED}, otherwise empty
 */
public record InputsConfig(Mode mode, List<String> specified) {

    /** The three ways a put step picks its inputs. */
    public enum Mode { ALL, DETECT, SPECIFIED }

    public static final InputsConfig ALL = new InputsConfig(Mode.ALL, List.of());
    public static final InputsConfig DETECT = new InputsConfig(Mode.DETECT, List.of());

    public InputsConfig {
        specified = Frozen.list(specified);
    }

    /** Exactly these artifacts. */
    public static InputsConfig of(List<String> names) {
        return new InputsConfig(Mode.SPECIFIED, names);
    }
}
