package dev.mxspec.generator.emit;

import dev.mxspec.generator.emit.GenerateOptions.Output;
import dev.mxspec.generator.model.ApiKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What each kind of generated code needs beside it: server stubs and clients use the endpoint
 * classes, which use the models and events (and models and events use each other). Needed code
 * must be generated in the same run or be on the class path already, generated with the same
 * packages by another module (as {@code spec-models} does for the homeserver).
 */
public final class Prerequisites {

    private Prerequisites() {}

    /**
     * What is missing for {@code outputs}, as a message that says what to add; empty when nothing is.
     *
     * @param onClassPath whether a package is on the class path the generated code compiles against
     */
    public static Optional<String> missing(Set<Output> outputs, Set<ApiKind> apis, String basePackage, String releasePackage,
            Predicate<String> onClassPath) {
        Set<Output> needed = EnumSet.noneOf(Output.class);
        if (outputs.contains(Output.SERVER) || outputs.contains(Output.CLIENT)) {
            needed.add(Output.ENDPOINTS);
        }
        if (!outputs.isEmpty()) {
            needed.add(Output.MODELS);
            needed.add(Output.EVENTS);
        }
        needed.removeAll(outputs);
        String root = releasePackage.isEmpty() ? basePackage : basePackage + "." + releasePackage;
        List<String> absent = new ArrayList<>();
        for (Output output : needed) {
            List<String> packages = switch (output) {
                case ENDPOINTS -> apis.stream().map(api -> JavaLayout.apiPackage(root, api) + ".endpoints").toList();
                case EVENTS -> List.of(root + ".events");
                default -> List.of(JavaLayout.apiPackage(root, apis.isEmpty() ? ApiKind.CLIENT_SERVER : apis.iterator().next()));
            };
            List<String> notFound = packages.stream().filter(p -> !onClassPath.test(p)).toList();
            if (!notFound.isEmpty()) {
                absent.add(output.name().toLowerCase(java.util.Locale.ROOT) + " (package " + String.join(", ", notFound) + ")");
            }
        }
        if (absent.isEmpty()) {
            return Optional.empty();
        }
        String asked = String.join(",", outputs.stream().map(o -> o.name().toLowerCase(java.util.Locale.ROOT)).toList());
        return Optional.of("generate '" + asked + "' needs " + String.join(" and ", absent)
                + ", which are neither generated in this run nor on the class path: add them to <generate> ("
                + String.join(",", EnumSet.copyOf(union(outputs, needed)).stream().map(o -> o.name().toLowerCase(java.util.Locale.ROOT)).toList())
                + "), or depend on a module that generated them for the same release and packages");
    }

    private static Set<Output> union(Set<Output> a, Set<Output> b) {
        Set<Output> all = EnumSet.noneOf(Output.class);
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
