package dev.mxspec.generator.diff;

import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The structural changes between two releases' models: operations added, removed, deprecated or
 * moved; parameters, body and response fields added, removed, retyped, made required or optional;
 * enum values; response codes; event types and their fields. Each classified for clients and for
 * servers.
 */
public final class StructuralDiff {

    private StructuralDiff() {}

    public static List<Change> between(SpecRelease from, SpecRelease to) {
        List<Change> changes = new ArrayList<>();
        TypeComparer types = new TypeComparer(from, to, changes::add);
        for (Api newApi : to.apis()) {
            Api oldApi = from.api(newApi.kind()).orElse(new Api(newApi.kind(), List.of()));
            operations(oldApi, newApi, types, changes);
        }
        events(from, to, types, changes);
        changes.sort(Comparator.comparing((Change c) -> c.api().map(Enum::ordinal).orElse(99))
                .thenComparing(Change::subject).thenComparing(Change::location).thenComparing(Change::kind));
        return changes;
    }

    private static void operations(Api a, Api b, TypeComparer types, List<Change> out) {
        Map<String, Operation> before = byKey(a.operations());
        Map<String, Operation> after = byKey(b.operations());
        List<Operation> added = new ArrayList<>();
        List<Operation> removed = new ArrayList<>();
        after.forEach((key, op) -> {
            Operation old = before.get(key);
            if (old == null) {
                added.add(op);
            } else {
                operation(b, old, op, types, out);
            }
        });
        before.forEach((key, op) -> {
            if (!after.containsKey(key)) {
                removed.add(op);
            }
        });
        // An operation whose path changed keeps its method and operationId (GET /key/v2/server/{keyId} -> /key/v2/server).
        for (Operation op : List.copyOf(added)) {
            Optional<Operation> old = removed.stream()
                    .filter(r -> r.method().equals(op.method()) && r.operationId().equals(op.operationId())).findFirst();
            if (old.isPresent()) {
                added.remove(op);
                removed.remove(old.get());
                out.add(new Change(ChangeKind.OPERATION_MOVED, Optional.of(b.kind()), op.key(), "", old.get().path(), op.path(),
                        Impact.BREAKING, Impact.BREAKING, ids(op, old.get()), Optional.empty()));
                operation(b, old.get(), op, types, out);
            }
        }
        for (Operation op : added) {
            out.add(new Change(ChangeKind.OPERATION_ADDED, Optional.of(b.kind()), op.key(), "", "", op.operationId(),
                    Impact.COMPATIBLE, Impact.BREAKING, ids(op, op), op.versions().addedIn()));
        }
        for (Operation op : removed) {
            out.add(new Change(ChangeKind.OPERATION_REMOVED, Optional.of(b.kind()), op.key(), "", op.operationId(), "",
                    Impact.BREAKING, Impact.COMPATIBLE, ids(op, op), Optional.empty()));
        }
    }

    private static List<String> ids(Operation op, Operation old) {
        List<String> ids = new ArrayList<>(List.of(op.operationId(), op.path(), old.path()));
        op.pathParams().forEach(f -> ids.add(f.name()));
        old.pathParams().forEach(f -> ids.add(f.name()));
        return ids.stream().distinct().toList();
    }

    private static void operation(Api api, Operation a, Operation b, TypeComparer types, List<Change> out) {
        Optional<dev.mxspec.generator.model.ApiKind> kind = Optional.of(api.kind());
        if (!a.versions().deprecated() && b.versions().deprecated()) {
            out.add(new Change(ChangeKind.OPERATION_DEPRECATED, kind, b.key(), "", "", "", Impact.COMPATIBLE, Impact.COMPATIBLE,
                    List.of(b.operationId(), b.path()), Optional.empty()));
        }
        if (a.security().isPresent() != b.security().isPresent()) {
            out.add(new Change(ChangeKind.AUTH_CHANGED, kind, b.key(), "", a.security().map(s -> s.scheme()).orElse("none"),
                    b.security().map(s -> s.scheme()).orElse("none"), Impact.BREAKING, Impact.BREAKING,
                    List.of(b.operationId()), Optional.empty()));
        }
        parameters(kind, b.key(), "query", a.queryParams(), b.queryParams(), types, out);
        parameters(kind, b.key(), "header", a.headerParams(), b.headerParams(), types, out);
        TypeRef none = new TypeRef.AnyJson(Optional.empty());
        // Raw bytes either way (Swagger 2.0 wrote them as a string of format byte, OpenAPI 3 as a media type): no change.
        if ((a.body().isPresent() || b.body().isPresent()) && !(a.binaryBody() && b.binaryBody())) {
            TypeComparer.Place place = new TypeComparer.Place(kind, b.key(), "request body", Side.REQUEST);
            types.compare(place, "", a.body().map(x -> x.type()).orElse(none), b.body().map(x -> x.type()).orElse(none));
        }
        for (Operation.Response rb : b.responses()) {
            Optional<Operation.Response> ra = a.responses().stream().filter(r -> r.code().equals(rb.code())).findFirst();
            if (ra.isEmpty()) {
                out.add(new Change(ChangeKind.RESPONSE_ADDED, kind, b.key(), "response " + rb.code(), "", rb.code(),
                        Impact.COMPATIBLE, Impact.COMPATIBLE, List.of(rb.code()), Optional.empty()));
            } else if (ra.get().type().isPresent() && rb.type().isPresent()) {
                TypeComparer.Place place = new TypeComparer.Place(kind, b.key(), "response " + rb.code(), Side.RESPONSE);
                types.compare(place, "", ra.get().type().get(), rb.type().get());
            }
        }
        for (Operation.Response ra : a.responses()) {
            if (b.responses().stream().noneMatch(r -> r.code().equals(ra.code()))) {
                out.add(new Change(ChangeKind.RESPONSE_REMOVED, kind, b.key(), "response " + ra.code(), ra.code(), "",
                        Impact.COMPATIBLE, Impact.COMPATIBLE, List.of(ra.code()), Optional.empty()));
            }
        }
    }

    private static void parameters(Optional<dev.mxspec.generator.model.ApiKind> api, String subject, String where,
            List<Field> a, List<Field> b, TypeComparer types, List<Change> out) {
        TypeComparer.Place place = new TypeComparer.Place(api, subject, where, Side.REQUEST);
        for (Field fb : b) {
            Optional<Field> fa = a.stream().filter(f -> f.name().equals(fb.name())).findFirst();
            if (fa.isEmpty()) {
                Impact[] impact = Side.REQUEST.impact(fb.required() ? ChangeKind.MADE_REQUIRED : ChangeKind.PARAMETER_ADDED);
                out.add(new Change(ChangeKind.PARAMETER_ADDED, api, subject, where + ": " + fb.name(), "",
                        fb.type().display() + (fb.required() ? " (required)" : ""), impact[0], impact[1], List.of(fb.name()),
                        fb.versions().addedIn()));
                continue;
            }
            if (fa.get().required() != fb.required()) {
                ChangeKind k = fb.required() ? ChangeKind.MADE_REQUIRED : ChangeKind.MADE_OPTIONAL;
                Impact[] impact = Side.REQUEST.impact(k);
                out.add(new Change(k, api, subject, where + ": " + fb.name(), "", "", impact[0], impact[1], List.of(fb.name()), Optional.empty()));
            }
            types.compare(place, fb.name(), fa.get().type(), fb.type());
        }
        for (Field fa : a) {
            if (b.stream().noneMatch(f -> f.name().equals(fa.name()))) {
                out.add(new Change(ChangeKind.PARAMETER_REMOVED, api, subject, where + ": " + fa.name(), fa.type().display(), "",
                        Impact.COMPATIBLE, Impact.COMPATIBLE, List.of(fa.name()), Optional.empty()));
            }
        }
    }

    private static void events(SpecRelease from, SpecRelease to, TypeComparer types, List<Change> out) {
        Map<String, EventSchema> before = new LinkedHashMap<>();
        from.events().forEach(e -> before.put(e.file(), e));
        for (EventSchema e : to.events()) {
            String subject = "event " + e.file().replace(".yaml", "");
            EventSchema old = before.remove(e.file());
            if (old == null) {
                out.add(new Change(ChangeKind.EVENT_ADDED, Optional.empty(), subject, "", "", e.type(), Impact.COMPATIBLE,
                        Impact.COMPATIBLE, List.of(e.type()), Optional.empty()));
            } else {
                types.compare(new TypeComparer.Place(Optional.empty(), subject, "content", Side.EVENT), "", old.content(), e.content());
            }
        }
        before.values().forEach(e -> out.add(new Change(ChangeKind.EVENT_REMOVED, Optional.empty(),
                "event " + e.file().replace(".yaml", ""), "", e.type(), "", Impact.BREAKING, Impact.BREAKING, List.of(e.type()), Optional.empty())));
    }

    private static Map<String, Operation> byKey(List<Operation> ops) {
        Map<String, Operation> map = new LinkedHashMap<>();
        for (Operation op : ops) {
            map.putIfAbsent(op.key() + "#" + op.operationId(), op);
        }
        return map;
    }
}
