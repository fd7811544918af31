/**
 * Concourse's {@code ((var))} interpolation.
 *
 * <ul>
 *   <li>{@link dev.concourse.vars.VarRef}: a parsed reference, {@code ((source:path.field))}.</li>
 *   <li>{@link dev.concourse.vars.Variables}: where values come from;
 *       {@link dev.concourse.vars.StaticVariables} (maps, vars files, var flags),
 *       {@link dev.concourse.vars.MultiVariables} (first source that has the var wins),
 *       {@link dev.concourse.vars.NamedVariables} (var sources), and
 *       {@link dev.concourse.vars.VarFlags} (fly's {@code -v}/{@code -y}/{@code -i}/{@code -l}
 *       combined in fly's order).</li>
 *   <li>{@link dev.concourse.vars.VarInterpolator}: the interpolation itself, per scalar or per
 *       tree, with {@link dev.concourse.vars.InterpolationOptions}.</li>
 * </ul>
 *
 * <p>Every exception thrown on purpose is a {@link dev.concourse.vars.VarsException}. Nothing here
 * accepts or returns null unless its documentation says so.
 */
package dev.concourse.vars;
