package dev.mxspec.generator.emit;

import dev.mxspec.generator.model.ApiKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * What to generate for one release.
 *
 * @param basePackage the package everything goes under, for example {@code dev.mxspec.spec}
 * @param releasePackage the per-release package part, for example {@code v1_7} (empty: none)
 * @param outputs which kinds of code; server stubs and clients use the endpoint classes and models,
 *     which must be generated with them or come from a dependency generated with the same packages
 * @param apis which APIs' endpoints, server stubs and clients (models follow what they use)
 * @param typeMappings spec type names to classes of the user's own to use instead (those types are
 *     not generated), for example {@code ClientEvent} to {@code com.fasterxml.jackson.databind.JsonNode}
 */
public record GenerateOptions(String basePackage, String releasePackage, Set<Output> outputs, Set<ApiKind> apis,
        java.util.Map<String, String> typeMappings) {

    public GenerateOptions(String basePackage, String releasePackage, Set<Output> outputs, Set<ApiKind> apis) {
        this(basePackage, releasePackage, outputs, apis, java.util.Map.of());
    }

    /** The kinds of generated code. */
    public enum Output {
        /** A record per object type and an open enum per string enum. */
        MODELS,
        /** Event content types grouped by kind, and their dispatch on {@code type} and {@code msgtype}. */
        EVENTS,
        /** One class per operation: its metadata constant and request record. */
        ENDPOINTS,
        /** Handler interfaces per endpoint group and a router per API. */
        SERVER,
        /** A typed client per API. */
        CLIENT
    }

    public GenerateOptions {
        outputs = outputs.isEmpty() ? EnumSet.noneOf(Output.class) : EnumSet.copyOf(outputs);
        apis = apis.isEmpty() ? EnumSet.noneOf(ApiKind.class) : EnumSet.copyOf(apis);
        typeMappings = java.util.Map.copyOf(typeMappings);
    }

    /** Everything, for every API. */
    public static GenerateOptions all(String basePackage, String releasePackage) {
        return new GenerateOptions(basePackage, releasePackage, EnumSet.allOf(Output.class), EnumSet.allOf(ApiKind.class));
    }

    public boolean has(Output output) {
        return outputs.contains(output);
    }
}
