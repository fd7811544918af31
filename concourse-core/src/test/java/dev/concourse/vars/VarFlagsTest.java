package dev.concourse.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fly's -v, -y, -i and -l flags and the order in which fly combines them. */
class VarFlagsTest {

    private static Object resolve(VarFlags flags, String text) {
        return VarInterpolator.create(flags.toVariables()).interpolate(text).value();
    }

    @Test
    void setsNestedFieldsFromDottedNames() {
        VarFlags flags = VarFlags.none().withVar("creds.user=admin").withVar("creds.pass=s3cret");
        assertThat(resolve(flags, "((creds.user)):((creds.pass))")).isEqualTo("admin:s3cret");
        assertThat(resolve(flags, "((creds))")).isEqualTo(Map.of("user", "admin", "pass", "s3cret"));
    }

    @Test
    void keepsVarValuesAsStrings() {
        assertThat(resolve(VarFlags.none().withVar("port=8080"), "((port))")).isEqualTo("8080");
        assertThat(resolve(VarFlags.none().withVar("flag=true"), "((flag))")).isEqualTo("true");
    }

    @Test
    void parsesYamlVarValues() {
        VarFlags flags = VarFlags.none().withYamlVar("port=8080").withYamlVar("tags=[a, b]").withYamlVar("on=yes");
        assertThat(resolve(flags, "((port))")).isEqualTo(8080L);
        assertThat(resolve(flags, "((tags))")).isEqualTo(List.of("a", "b"));
        assertThat(resolve(flags, "((on))")).isEqualTo(true);
    }

    @Test
    void letsALaterFlagOfTheSameKindWin() {
        assertThat(resolve(VarFlags.none().withVar("x=1").withVar("x=2"), "((x))")).isEqualTo("2");
        assertThat(resolve(VarFlags.none().withYamlVar("x=1").withYamlVar("x=2"), "((x))")).isEqualTo(2L);
    }

    @Test
    void appliesYamlVarsAfterVarsWhateverTheirOrder() {
        assertThat(resolve(VarFlags.none().withYamlVar("x=1").withVar("x=2"), "((x))")).isEqualTo(1L);
        assertThat(resolve(VarFlags.none().withVar("x=2").withYamlVar("x=1"), "((x))")).isEqualTo(1L);
    }

    @Test
    void mergesDottedFlagsIntoEarlierMapsAndReplacesNonMaps() {
        VarFlags intoMap = VarFlags.none().withYamlVar("creds={user: a, pass: b}").withYamlVar("creds.user=c");
        assertThat(resolve(intoMap, "((creds))")).isEqualTo(Map.of("user", "c", "pass", "b"));
        VarFlags overString = VarFlags.none().withVar("creds=plain").withVar("creds.user=c");
        assertThat(resolve(overString, "((creds))")).isEqualTo(Map.of("user", "c"));
        VarFlags wholeAfterField = VarFlags.none().withVar("creds.user=c").withYamlVar("creds={pass: p}");
        assertThat(resolve(wholeAfterField, "((creds))")).isEqualTo(Map.of("pass", "p"));
    }

    @Test
    void appliesInstanceVarsLastLeafByLeaf() {
        VarFlags flags = VarFlags.none()
                .withInstanceVar("branch=main")
                .withInstanceVar("deploy={region: eu}")
                .withVar("branch=ignored")
                .withYamlVar("deploy={size: 3}");
        assertThat(resolve(flags, "((branch))")).isEqualTo("main");
        // The instance var is merged field by field into the flag map, not put over it whole.
        assertThat(resolve(flags, "((deploy))")).isEqualTo(Map.of("size", 3L, "region", "eu"));
        assertThat(flags.instanceVars()).isEqualTo(Map.of("branch", "main", "deploy", Map.of("region", "eu")));
    }

    @Test
    void dropsEmptyInstanceVarMapsWhenFlattening() {
        VarFlags flags = VarFlags.none().withVar("x=1").withInstanceVar("x={}");
        assertThat(resolve(flags, "((x))")).isEqualTo("1");
        assertThat(flags.instanceVars()).isEqualTo(Map.of("x", Map.of()));
    }

    @Test
    void ignoresASourceInAFlagName() {
        assertThat(resolve(VarFlags.none().withVar("src:foo=bar"), "((foo))")).isEqualTo("bar");
    }

    @Test
    void prefersFlagsOverFilesAndLaterFilesOverEarlierOnes(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.yml");
        Path second = dir.resolve("second.yml");
        Files.writeString(first, "a: from-first\nb: from-first\nc: from-first\n");
        Files.writeString(second, "b: from-second\nc: from-second\n");
        VarFlags flags = VarFlags.none().withVar("c=from-flag").withVarsFile(first).withVarsFile(second);
        assertThat(resolve(flags, "((a)) ((b)) ((c))")).isEqualTo("from-first from-second from-flag");
        VarFlags flagsFirst = VarFlags.none().withVarsFile(first).withVarsFile(second).withVar("c=from-flag");
        assertThat(resolve(flagsFirst, "((c))")).isEqualTo("from-flag");
    }

    @Test
    void takesAVarWholeFromTheFirstSourceThatHasIt() {
        VarFlags flags = VarFlags.none()
                .withVarsYaml("base.yml", "creds: {user: u, pass: p}")
                .withVarsYaml("override.yml", "creds: {user: o}");
        assertThat(resolve(flags, "((creds.user))")).isEqualTo("o");
        assertThatThrownBy(() -> resolve(flags, "((creds.pass))")).isInstanceOf(MissingFieldException.class)
                .hasMessage("missing field 'pass' in var: creds.pass");
        VarFlags fieldFlag = VarFlags.none().withVarsYaml("base.yml", "creds: {user: u, pass: p}").withVar("creds.user=f");
        assertThatThrownBy(() -> resolve(fieldFlag, "((creds.pass))")).isInstanceOf(MissingFieldException.class);
    }

    @Test
    void listsFlagAndFileVarsForUnusedVarDetection() {
        VarFlags flags = VarFlags.none().withVar("used=1").withVar("spare=2").withVarsYaml("v.yml", "other: 3");
        InterpolationOptions allUsed = InterpolationOptions.defaults().withExpectAllVarsUsed(true);
        assertThatThrownBy(() -> VarInterpolator.evaluate(Map.of("k", "((used))"), flags.toVariables(), allUsed))
                .isInstanceOf(UnusedVarsException.class).hasMessage("unused vars: other, spare");
    }

    @Test
    void reportsBadFlagsWhenTheyAreAdded(@TempDir Path dir) {
        assertThatThrownBy(() -> VarFlags.none().withVar("novalue")).isInstanceOf(InvalidVarFlagException.class)
                .hasMessage("invalid variable pair 'novalue' (must be name=value)");
        assertThatThrownBy(() -> VarFlags.none().withYamlVar("k={a: b")).isInstanceOf(InvalidVarFlagException.class);
        assertThatThrownBy(() -> VarFlags.none().withInstanceVar("k")).isInstanceOf(InvalidVarFlagException.class);
        Path missing = dir.resolve("nope.yml");
        assertThatThrownBy(() -> VarFlags.none().withVarsFile(missing)).isInstanceOf(VarsFileException.class)
                .hasMessageContaining("(" + missing + ")");
        assertThatThrownBy(() -> VarFlags.none().withVarsYaml("list.yml", "[1]"))
                .hasMessageStartingWith("could not unmarshal template variables (list.yml): expected a mapping");
    }

    @Test
    void isImmutable() {
        VarFlags base = VarFlags.none().withVar("a=1");
        VarFlags more = base.withVar("a=2");
        assertThat(resolve(base, "((a))")).isEqualTo("1");
        assertThat(resolve(more, "((a))")).isEqualTo("2");
        assertThat(VarFlags.none().instanceVars()).isEmpty();
    }

    @Test
    void evaluatesAPipelineLikeFlySetPipeline() {
        Map<String, Object> pipeline = StaticVariables.fromYaml("pipeline.yml", """
                resources:
                - name: repo
                  source:
                    uri: ((repo.uri))
                    branch: ((branch))
                    private_key: ((repo.key))
                jobs:
                - name: deploy-((env))
                  plan:
                  - get: repo
                    trigger: ((auto))
                  - task: t
                    params:
                      REPLICAS: ((replicas))
                      URL: https://((env)).example.com:((port))
                """).asMap();
        // Deliberate difference: fly reads -l numbers as float64 and would reject ((port)) inside
        // the URL (concourse/concourse#4397); integers from vars files are embeddable here.
        VarFlags flags = VarFlags.none()
                .withVarsYaml("common.yml", "repo: {uri: git@example.com:r.git, key: k}\nreplicas: 2\nport: 443")
                .withVar("env=prod")
                .withYamlVar("auto=true")
                .withInstanceVar("branch=release");
        Object result = VarInterpolator.evaluate(pipeline, flags.toVariables(),
                InterpolationOptions.defaults().withExpectAllKeys(true));
        assertThat(result).isEqualTo(StaticVariables.fromYaml("expected.yml", """
                resources:
                - name: repo
                  source:
                    uri: git@example.com:r.git
                    branch: release
                    private_key: k
                jobs:
                - name: deploy-prod
                  plan:
                  - get: repo
                    trigger: true
                  - task: t
                    params:
                      REPLICAS: 2
                      URL: https://prod.example.com:443
                """).asMap());
    }
}
