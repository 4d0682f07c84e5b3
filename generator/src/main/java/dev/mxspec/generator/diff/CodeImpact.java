package dev.mxspec.generator.diff;

import dev.mxspec.generator.emit.CodeSurface;
import dev.mxspec.generator.model.SpecRelease;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which generated classes, methods and record components are added, changed or removed between two releases. */
public final class CodeImpact {

    private CodeImpact() {}

    public static List<CodeChange> between(SpecRelease from, SpecRelease to) {
        Map<String, Map<String, String>> a = CodeSurface.of(from);
        Map<String, Map<String, String>> b = CodeSurface.of(to);
        List<CodeChange> changes = new ArrayList<>();
        b.forEach((cls, members) -> {
            Map<String, String> old = a.get(cls);
            if (old == null) {
                changes.add(new CodeChange(CodeChange.Kind.ADDED, cls, "", "", "class"));
                return;
            }
            members.forEach((m, sig) -> {
                String before = old.get(m);
                if (before == null) {
                    changes.add(new CodeChange(CodeChange.Kind.ADDED, cls, m, "", sig));
                } else if (!before.equals(sig)) {
                    changes.add(new CodeChange(CodeChange.Kind.CHANGED, cls, m, before, sig));
                }
            });
            old.forEach((m, sig) -> {
                if (!members.containsKey(m)) {
                    changes.add(new CodeChange(CodeChange.Kind.REMOVED, cls, m, sig, ""));
                }
            });
        });
        a.keySet().stream().filter(cls -> !b.containsKey(cls))
                .forEach(cls -> changes.add(new CodeChange(CodeChange.Kind.REMOVED, cls, "", "class", "")));
        changes.sort(java.util.Comparator.comparing(CodeChange::className).thenComparing(CodeChange::member));
        return changes;
    }
}
