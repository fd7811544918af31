package dev.concourse.spi.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LookupTemplateTest {

    @Test
    void defaultsAreConcoursesPipelineThenTeamTemplates() {
        assertThat(LookupTemplate.defaults()).extracting(LookupTemplate::template)
                .containsExactly("/{{.Team}}/{{.Pipeline}}/{{.Secret}}", "/{{.Team}}/{{.Secret}}");
        assertThat(LookupTemplate.defaults()).extracting(LookupTemplate::needsPipeline).containsExactly(true, false);
    }

    @Test
    void expandsPlaceholdersAndKeepsText() {
        LookupTemplate template = LookupTemplate.parse("/concourse/{{.Team}}/{{ .Pipeline }}/{{.Secret}}-x");
        assertThat(template.expand("main", "ci", "nested/token")).contains("/concourse/main/ci/nested/token-x");
    }

    @Test
    void aPipelineTemplateDoesNotApplyWithoutAPipeline() {
        LookupTemplate template = LookupTemplate.parse("/{{.Team}}/{{.Pipeline}}/{{.Secret}}");
        assertThat(template.expand("main", null, "token")).isEmpty();
        assertThat(template.expand("main", "", "token")).isEmpty();
        assertThat(LookupTemplate.parse("/{{.Team}}/{{.Secret}}").expand("main", null, "token")).contains("/main/token");
    }

    @Test
    void rejectsUnknownPlaceholdersUnclosedBracesEmptyTemplatesAndTemplatesWithoutTheSecret() {
        assertThatThrownBy(() -> LookupTemplate.parse("/{{.Job}}/{{.Secret}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lookup template '/{{.Job}}/{{.Secret}}' uses '{{.Job}}'; only {{.Team}}, {{.Pipeline}} "
                        + "and {{.Secret}} are available");
        assertThatThrownBy(() -> LookupTemplate.parse("/{{.Team}}/{{.Secret"))
                .hasMessageContaining("unclosed '{{'");
        assertThatThrownBy(() -> LookupTemplate.parse("")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> LookupTemplate.parse("/{{.Team}}/shared"))
                .hasMessageContaining("does not use {{.Secret}}");
    }

    @Test
    void parseAllKeepsOrderAndEqualityIsByText() {
        List<LookupTemplate> templates = LookupTemplate.parseAll(List.of("{{.Secret}}", "/{{.Team}}/{{.Secret}}"));
        assertThat(templates).extracting(LookupTemplate::toString).containsExactly("{{.Secret}}", "/{{.Team}}/{{.Secret}}");
        assertThat(templates.get(1)).isEqualTo(LookupTemplate.defaults().get(1))
                .hasSameHashCodeAs(LookupTemplate.defaults().get(1));
    }
}
