package dev.mxspec.generator.parse;

import dev.mxspec.generator.names.Names;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.parse.TypeRegistry.Candidate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Settles the final name of every named type. A type is called by its base name (title,
 * definition file, event type or place of use) when that is unique. When different types share a
 * base name, a type defined in a file of its own keeps it and the others are named after the place
 * they are used; what still collides is qualified by its API, then by its file. Never a number.
 */
final class TypeNamer {

    private TypeNamer() {}

    static Map<String, String> names(Collection<Candidate> candidates, Consumer<Diagnostic> diagnostics) {
        Map<String, String> names = new HashMap<>();
        Map<String, List<Candidate>> byBase = group(candidates, Candidate::baseName);
        for (List<Candidate> group : byBase.values()) {
            List<Candidate> definitions = group.stream().filter(Candidate::definition).toList();
            for (Candidate c : group) {
                boolean keepsBase = group.size() == 1 || (definitions.size() == 1 && definitions.getFirst() == c);
                names.put(c.id(), keepsBase ? c.baseName() : c.contextName());
            }
        }
        qualify(candidates, names, c -> Names.pascal(apiOf(c)));
        qualify(candidates, names, c -> Names.fileName(TypeRegistry.source(c).file()));
        Map<String, List<Candidate>> clash = group(candidates, c -> names.get(c.id()));
        for (List<Candidate> group : clash.values()) {
            if (group.size() > 1) {
                for (Candidate c : group) {
                    String name = names.get(c.id()) + "At" + TypeRegistry.source(c).line();
                    names.put(c.id(), name);
                    diagnostics.accept(Diagnostic.warning(TypeRegistry.source(c),
                            "no unique name for this type; named " + name));
                }
            }
        }
        return names;
    }

    /** Prefixes names that still collide with a qualifier. Types that differ by it stop colliding. */
    private static void qualify(Collection<Candidate> candidates, Map<String, String> names, Function<Candidate, String> qualifier) {
        Map<String, List<Candidate>> byName = group(candidates, c -> names.get(c.id()));
        for (List<Candidate> group : byName.values()) {
            if (group.size() < 2) {
                continue;
            }
            long distinct = group.stream().map(qualifier).distinct().count();
            if (distinct < 2) {
                continue;
            }
            for (Candidate c : group) {
                String q = qualifier.apply(c);
                String name = names.get(c.id());
                names.put(c.id(), name.startsWith(q) ? name : q + name);
            }
        }
    }

    private static String apiOf(Candidate c) {
        String file = TypeRegistry.source(c).file();
        if (file.startsWith("api/")) {
            int end = file.indexOf('/', 4);
            return end > 0 ? file.substring(4, end) : "api";
        }
        return file.startsWith("event-schemas/") ? "event" : "shared";
    }

    private static Map<String, List<Candidate>> group(Collection<Candidate> candidates, Function<Candidate, String> key) {
        Map<String, List<Candidate>> groups = new TreeMap<>();
        for (Candidate c : candidates) {
            groups.computeIfAbsent(key.apply(c), k -> new ArrayList<>()).add(c);
        }
        return groups;
    }
}
