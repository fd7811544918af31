package dev.concourse.config;

/**
 * {@code load_var}: read a file from an artifact into a local var {@code ((.:name))}.
 *
 * @param name   the var's name
 * @param file   the file inside an artifact
 * @param format {@code json}, {@code yaml}, {@code yml}, {@code trim} or {@code raw}; null to infer from the extension
 * @param reveal whether the value may appear in logs
 */
public record LoadVarStep(String name, String file, String format, boolean reveal) implements Step {

    @Override
    public String label() {
        return "load_var(" + name + ")";
    }
}
