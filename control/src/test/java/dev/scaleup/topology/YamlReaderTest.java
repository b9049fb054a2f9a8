package dev.scaleup.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    private final Problems problems = new Problems("t.yaml");

    private YamlNode read(String yaml) throws Exception {
        return YamlReader.read(yaml, problems);
    }

    @Test
    void nodesRememberTheirLines() throws Exception {
        YamlNode root = read("""
                # comment
                name: x
                web:
                  count: 3
                  port: "80"
                list: [1, 2.5]
                """);
        YamlNode.Mapping top = (YamlNode.Mapping) root;
        assertThat(top.entries()).extracting(YamlNode.Entry::key).containsExactly("name", "web", "list");
        assertThat(top.entries()).extracting(YamlNode.Entry::line).containsExactly(2, 3, 6);
        YamlNode.Mapping web = (YamlNode.Mapping) top.entries().get(1).value();
        assertThat(web.entries().get(0).value())
                .isEqualTo(new YamlNode.Scalar(YamlNode.Kind.INTEGER, "3", BigInteger.valueOf(3), 4));
        assertThat(web.entries().get(1).value())
                .isEqualTo(new YamlNode.Scalar(YamlNode.Kind.STRING, "80", null, 5));
        YamlNode.Sequence list = (YamlNode.Sequence) top.entries().get(2).value();
        assertThat(list.items()).extracting(n -> ((YamlNode.Scalar) n).kind())
                .containsExactly(YamlNode.Kind.INTEGER, YamlNode.Kind.FLOAT);
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void typesScalarsTheWayYamlDoes() throws Exception {
        YamlNode.Mapping top = (YamlNode.Mapping) read("a: yes\nb: ~\nc:\nd: ''\ne: 0x10\ng: &x 1\nf: *x\n");
        assertThat(top.entries()).extracting(e -> ((YamlNode.Scalar) e.value()).kind()).containsExactly(
                YamlNode.Kind.BOOLEAN, YamlNode.Kind.NULL, YamlNode.Kind.NULL, YamlNode.Kind.STRING,
                YamlNode.Kind.INTEGER, YamlNode.Kind.INTEGER, YamlNode.Kind.ALIAS);
        assertThat(((YamlNode.Scalar) top.entries().get(4).value()).integer()).isEqualTo(16);
    }

    @Test
    void keepsDuplicateKeys() throws Exception {
        YamlNode.Mapping top = (YamlNode.Mapping) read("a: 1\na: 2\n");
        assertThat(top.entries()).extracting(YamlNode.Entry::line).containsExactly(1, 2);
    }

    @Test
    void emptyDocumentsAreNull() throws Exception {
        assertThat(read("")).isNull();
        assertThat(read("# nothing but a comment\n")).isNull();
        assertThat(read("---\n")).isNull();
        assertThat(read("~\n")).isNull();
    }

    @Test
    void reportsASecondDocument() throws Exception {
        read("a: 1\n---\nb: 2\n");
        assertThat(problems.lines()).containsExactly(
                "t.yaml:3: a second YAML document starts here; the file must hold exactly one (remove the '---' before it)");
    }

    @Test
    void malformedYamlHasALineAndAOneLineReason() {
        assertThatThrownBy(() -> read("a: 1\nb: [1, 2\n"))
                .isInstanceOfSatisfying(YamlReader.MalformedYamlException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).isEqualTo("expected ',' or ']', but got <stream end> (while parsing a flow sequence)");
                });
    }
}
