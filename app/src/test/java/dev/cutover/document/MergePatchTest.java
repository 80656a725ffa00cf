package dev.cutover.document;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JSON Merge Patch as RFC 7396 defines it. */
class MergePatchTest {

    private static final ObjectMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private static JsonNode json(String text) {
        try {
            return LENIENT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON does not parse: " + text, e);
        }
    }

    /** Every row of the table in RFC 7396, appendix A, in the RFC's order. */
    @ParameterizedTest(name = "{0} patched with {1} is {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'a':'b'}                 | {'a':'c'}                    | {'a':'c'}",
            "{'a':'b'}                 | {'b':'c'}                    | {'a':'b','b':'c'}",
            "{'a':'b'}                 | {'a':null}                   | {}",
            "{'a':'b','b':'c'}         | {'a':null}                   | {'b':'c'}",
            "{'a':['b']}               | {'a':'c'}                    | {'a':'c'}",
            "{'a':'c'}                 | {'a':['b']}                  | {'a':['b']}",
            "{'a':{'b':'c'}}           | {'a':{'b':'d','c':null}}     | {'a':{'b':'d'}}",
            "{'a':[{'b':'c'}]}         | {'a':[1]}                    | {'a':[1]}",
            "['a','b']                 | ['c','d']                    | ['c','d']",
            "{'a':'b'}                 | ['c']                        | ['c']",
            "{'a':'foo'}               | null                         | null",
            "{'a':'foo'}               | 'bar'                        | 'bar'",
            "{'e':null}                | {'a':1}                      | {'e':null,'a':1}",
            "[1,2]                     | {'a':'b','c':null}           | {'a':'b'}",
            "{}                        | {'a':{'bb':{'ccc':null}}}    | {'a':{'bb':{}}}"})
    void shouldGiveTheRfcResultWhenApplyingEachAppendixExample(String target, String patch, String result) {
        JsonNode targetNode = json(target);
        JsonNode patchNode = json(patch);

        JsonNode patched = MergePatch.apply(targetNode, patchNode);

        assertEquals(json(result), patched);
    }

    @Test
    void shouldLeaveTargetAndPatchUnchangedWhenApplying() {
        JsonNode target = json("{'a':{'b':'c','keep':[1,2]},'gone':1}");
        JsonNode patch = json("{'a':{'b':'d','keep':null,'new':{'x':[3]}},'gone':null}");
        JsonNode targetBefore = target.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        JsonNode patched = MergePatch.apply(target, patch);

        assertEquals(json("{'a':{'b':'d','new':{'x':[3]}}}"), patched);
        assertEquals(targetBefore, target);
        assertEquals(patchBefore, patch);
    }

    @Test
    void shouldLeavePatchUnchangedWhenResultIsChangedAfterwards() {
        JsonNode target = json("{}");
        JsonNode patch = json("{'a':{'list':[1]},'b':[2]}");
        JsonNode patchBefore = patch.deepCopy();

        ObjectNode patched = (ObjectNode) MergePatch.apply(target, patch);
        ((ObjectNode) patched.get("a")).put("added", true);
        ((ArrayNode) patched.get("a").get("list")).add(9);
        ((ArrayNode) patched.get("b")).add(9);

        assertEquals(patchBefore, patch);
    }

    @Test
    void shouldLeaveTargetUnchangedWhenResultIsChangedAfterwards() {
        JsonNode target = json("{'a':{'b':[1]},'c':[2]}");
        JsonNode patch = json("{'z':1}");
        JsonNode targetBefore = target.deepCopy();

        ObjectNode patched = (ObjectNode) MergePatch.apply(target, patch);
        ((ArrayNode) patched.get("a").get("b")).add(9);
        ((ArrayNode) patched.get("c")).add(9);

        assertEquals(targetBefore, target);
    }
}
