package dev.mxspec.generator.emit;

import com.palantir.javapoet.ClassName;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.SourceRef;
import dev.mxspec.generator.model.SpecRelease;
import java.util.Locale;

/**
 * Where generated classes go: one package per spec area under a base package and a per-release
 * suffix, for example {@code dev.mxspec.spec.v1_7.clientserver} for the client-server types,
 * {@code ...v1_7.events} for event schemas, {@code ...clientserver.endpoints},
 * {@code ...clientserver.server} and {@code ...clientserver.client}.
 */
public final class JavaLayout {

    private final SpecRelease release;
    private final String root;
    private final java.util.Map<String, String> typeMappings;

    /**
     * @param basePackage for example {@code dev.mxspec.spec}
     * @param releasePackage the per-release part, for example {@code v1_7}; empty for none
     */
    public JavaLayout(SpecRelease release, String basePackage, String releasePackage) {
        this(release, basePackage, releasePackage, java.util.Map.of());
    }

    /** @param typeMappings spec type names to fully qualified classes used instead of generated ones */
    public JavaLayout(SpecRelease release, String basePackage, String releasePackage, java.util.Map<String, String> typeMappings) {
        this.release = release;
        this.root = releasePackage.isEmpty() ? basePackage : basePackage + "." + releasePackage;
        for (String name : typeMappings.keySet()) {
            if (!release.types().containsKey(name)) {
                throw new IllegalArgumentException("type mapping for '" + name + "': release " + release.version()
                        + " has no such type (see describe, or the generated class names)");
            }
        }
        this.typeMappings = java.util.Map.copyOf(typeMappings);
    }

    /** Whether a spec type is mapped to a class of the user's own (and so not generated). */
    public boolean isMapped(String typeName) {
        return typeMappings.containsKey(typeName);
    }

    /** The default per-release package part: {@code v1.7} becomes {@code v1_7}. */
    public static String releasePackage(String version) {
        String cleaned = version.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return Character.isDigit(cleaned.charAt(0)) ? "v" + cleaned : cleaned;
    }

    public String root() {
        return root;
    }

    /** The package of an API's types: {@code clientserver}, {@code serverserver}, {@code appservice}, ... */
    public String apiPackage(ApiKind api) {
        return root + "." + areaName(api);
    }

    public String eventsPackage() {
        return root + ".events";
    }

    public String endpointsPackage(ApiKind api) {
        return apiPackage(api) + ".endpoints";
    }

    public String serverPackage(ApiKind api) {
        return apiPackage(api) + ".server";
    }

    public String clientPackage(ApiKind api) {
        return apiPackage(api) + ".client";
    }

    /** The class of a named type of the model. */
    public ClassName typeClass(String typeName) {
        String mapped = typeMappings.get(typeName);
        if (mapped != null) {
            return ClassName.bestGuess(mapped);
        }
        NamedType type = release.types().get(typeName);
        if (type == null) {
            throw new IllegalArgumentException("no type " + typeName + " in release " + release.version());
        }
        return ClassName.get(packageOf(type.source()), typeName);
    }

    /** The package for a type defined at {@code source}. */
    public String packageOf(SourceRef source) {
        String file = source.file();
        for (ApiKind api : ApiKind.values()) {
            if (file.startsWith("api/" + api.folder() + "/")) {
                return apiPackage(api);
            }
        }
        return file.startsWith("event-schemas/") ? eventsPackage() : root + ".common";
    }

    /** The package of an API's types under a release's root package, without reading the release. */
    public static String apiPackage(String root, ApiKind api) {
        return root + "." + areaName(api);
    }

    private static String areaName(ApiKind api) {
        return switch (api) {
            case CLIENT_SERVER -> "clientserver";
            case SERVER_SERVER -> "serverserver";
            case APPLICATION_SERVICE -> "appservice";
            case IDENTITY -> "identity";
            case PUSH_GATEWAY -> "pushgateway";
        };
    }
}
