package dev.mxspec.generator.diff;

import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compares the type of one value in two releases, field by field through objects, and reports
 * every difference as a {@link Change}. Types are compared by shape, not by name: a type renamed
 * between releases with the same fields is no change.
 */
final class TypeComparer {

    private final SpecRelease from;
    private final SpecRelease to;
    private final Consumer<Change> out;

    TypeComparer(SpecRelease from, SpecRelease to, Consumer<Change> out) {
        this.from = from;
        this.to = to;
        this.out = out;
    }

    /** Where the compared value sits. */
    record Place(Optional<ApiKind> api, String subject, String prefix, Side side) {}

    void compare(Place place, String path, TypeRef a, TypeRef b) {
        compare(place, path, a, b, new HashSet<>());
    }

    private void compare(Place place, String path, TypeRef a, TypeRef b, Set<String> seen) {
        boolean nullableA = a instanceof TypeRef.Nullable;
        boolean nullableB = b instanceof TypeRef.Nullable;
        TypeRef ua = nullableA ? ((TypeRef.Nullable) a).type() : a;
        TypeRef ub = nullableB ? ((TypeRef.Nullable) b).type() : b;
        if (nullableA != nullableB) {
            emit(place, path, nullableB ? ChangeKind.MADE_NULLABLE : ChangeKind.MADE_NON_NULLABLE, a.display(), b.display(), List.of(last(path)), Optional.empty());
        }
        Optional<NamedType> na = named(from, ua);
        Optional<NamedType> nb = named(to, ub);
        if (na.orElse(null) instanceof NamedType.ObjectType oa && nb.orElse(null) instanceof NamedType.ObjectType ob) {
            if (seen.add(oa.name() + "->" + ob.name())) {
                fields(place, path, oa, ob, seen);
            }
            return;
        }
        if (na.orElse(null) instanceof NamedType.EnumType ea && nb.orElse(null) instanceof NamedType.EnumType eb) {
            for (String v : eb.values()) {
                if (!ea.values().contains(v)) {
                    emit(place, path, ChangeKind.ENUM_VALUE_ADDED, "", v, List.of(last(path), v), Optional.empty());
                }
            }
            for (String v : ea.values()) {
                if (!eb.values().contains(v)) {
                    emit(place, path, ChangeKind.ENUM_VALUE_REMOVED, v, "", List.of(last(path), v), Optional.empty());
                }
            }
            return;
        }
        if (ua instanceof TypeRef.ArrayOf aa && ub instanceof TypeRef.ArrayOf ab) {
            compare(place, path + "[]", aa.items(), ab.items(), seen);
            return;
        }
        if (ua instanceof TypeRef.MapOf ma && ub instanceof TypeRef.MapOf mb) {
            compare(place, path + "{}", ma.values(), mb.values(), seen);
            return;
        }
        String sa = shape(ua);
        String sb = shape(ub);
        if (!sa.equals(sb)) {
            emit(place, path, ChangeKind.RETYPED, ua.display(), ub.display(), List.of(last(path)), Optional.empty());
        }
    }

    private void fields(Place place, String path, NamedType.ObjectType a, NamedType.ObjectType b, Set<String> seen) {
        for (Field fb : b.fields()) {
            Optional<Field> fa = a.field(fb.name());
            String p = join(path, fb.name());
            if (fa.isEmpty()) {
                emit(place, p, ChangeKind.FIELD_ADDED, "", fb.type().display() + (fb.required() ? " (required)" : ""),
                        List.of(fb.name()), fb.versions().addedIn(), fb.required() ? ChangeKind.MADE_REQUIRED : null);
                continue;
            }
            if (fa.get().required() != fb.required()) {
                emit(place, p, fb.required() ? ChangeKind.MADE_REQUIRED : ChangeKind.MADE_OPTIONAL, "", "", List.of(fb.name()), Optional.empty());
            }
            compare(place, p, fa.get().type(), fb.type(), seen);
        }
        for (Field fa : a.fields()) {
            if (b.field(fa.name()).isEmpty()) {
                emit(place, join(path, fa.name()), ChangeKind.FIELD_REMOVED, fa.type().display(), "", List.of(fa.name()), Optional.empty());
            }
        }
    }

    private void emit(Place place, String path, ChangeKind kind, String before, String after, List<String> ids, Optional<String> addedIn) {
        emit(place, path, kind, before, after, ids, addedIn, null);
    }

    /** {@code impactAs}: classify like this kind instead (a new required field breaks like a field made required). */
    private void emit(Place place, String path, ChangeKind kind, String before, String after, List<String> ids,
            Optional<String> addedIn, ChangeKind impactAs) {
        Impact[] impact = place.side().impact(impactAs != null ? impactAs : kind);
        List<String> identifiers = new ArrayList<>(ids);
        identifiers.removeIf(String::isEmpty);
        String location = place.prefix() + (path.isEmpty() ? "" : (place.prefix().isEmpty() ? "" : ": ") + path);
        out.accept(new Change(kind, place.api(), place.subject(), location, before, after, impact[0], impact[1], identifiers, addedIn));
    }

    /**
     * A type's shape without names: objects and enums by kind only (their members are compared
     * separately), unions by the shapes of their options.
     */
    private String shape(TypeRef t) {
        return switch (t) {
            case TypeRef.Named n -> {
                NamedType type = (to.types().containsKey(n.name()) ? to : from).types().get(n.name());
                yield switch (type) {
                    case NamedType.EnumType e -> "enum";
                    case NamedType.UnionType u -> String.join("|", u.options().stream().map(this::shape).sorted().toList());
                    case null, default -> "object";
                };
            }
            case TypeRef.Nullable n -> shape(n.type()) + "?";
            case TypeRef.ArrayOf a -> "[" + shape(a.items()) + "]";
            case TypeRef.MapOf m -> "{" + shape(m.values()) + "}";
            case TypeRef.Tuple tu -> "(" + String.join(",", tu.items().stream().map(this::shape).toList()) + ")";
            case TypeRef.Primitive p -> p.kind().name().toLowerCase(java.util.Locale.ROOT);
            default -> t.display();
        };
    }

    private static Optional<NamedType> named(SpecRelease release, TypeRef t) {
        return t instanceof TypeRef.Named n ? Optional.ofNullable(release.types().get(n.name())) : Optional.empty();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String last(String path) {
        String p = path.replace("[]", "").replace("{}", "");
        int dot = p.lastIndexOf('.');
        return dot < 0 ? p : p.substring(dot + 1);
    }
}
