package dev.mxspec.generator.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.CanonicalJson;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Example;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.TypedExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks every example a release ships against its schema in the model: response and request
 * examples, {@code x-example} parameter values, field examples, and every file of
 * {@code event-schemas/examples}.
 */
public final class ReleaseValidator {

    private final SpecRelease release;
    private final Errata errata;
    private final JsonChecker checker;
    private final List<Mismatch> mismatches = new ArrayList<>();
    private int checked;

    private ReleaseValidator(SpecRelease release, Errata errata) {
        this.release = release;
        this.errata = errata;
        this.checker = new JsonChecker(release);
    }

    /** Checks with the errata shipped with mxspec. */
    public static ExampleCheck validate(SpecRelease release) {
        return validate(release, Errata.bundled());
    }

    public static ExampleCheck validate(SpecRelease release, Errata errata) {
        ReleaseValidator v = new ReleaseValidator(release, errata);
        v.run();
        v.mismatches.sort(Comparator.comparing(Mismatch::source).thenComparing(Mismatch::message));
        return new ExampleCheck(v.checked, v.mismatches);
    }

    private void run() {
        for (Operation op : release.operations()) {
            String name = op.key();
            parameters(op.pathParams(), "path parameter", name);
            parameters(op.queryParams(), "query parameter", name);
            parameters(op.headerParams(), "header parameter", name);
            op.body().ifPresent(b -> b.examples().forEach(e -> check(e, b.type(), "request body of " + name, false)));
            for (Operation.Response r : op.responses()) {
                String subject = "response " + r.status() + " of " + name;
                r.type().ifPresent(t -> r.examples().forEach(e -> check(e, t, subject, false)));
                if (r.type().isEmpty() && !r.examples().isEmpty()) {
                    checked += r.examples().size();
                }
            }
        }
        for (NamedType type : release.types().values()) {
            if (type instanceof NamedType.ObjectType o) {
                for (Field f : o.fields()) {
                    f.examples().forEach(e -> check(e, f.type(), "example of field '" + f.name() + "' of " + o.name(), false));
                }
            }
        }
        for (EventSchema event : release.events()) {
            event.examples().forEach(e -> check(e, new TypeRef.Named(event.typeName()), "example of event " + event.file(), false));
        }
        for (TypedExample shared : release.sharedExamples()) {
            check(shared.example(), shared.type(), "example of " + shared.type().display(), false);
        }
    }

    private void parameters(List<Field> fields, String what, String operation) {
        for (Field f : fields) {
            f.examples().forEach(e -> check(e, f.type(), what + " '" + f.name() + "' of " + operation, true));
        }
    }

    private void check(Example example, TypeRef type, String subject, boolean parameter) {
        checked++;
        JsonNode json = CanonicalJson.parse(example.json());
        List<String> problems = parameter ? checker.checkParameter(json, type) : checker.check(json, type);
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            mismatches.add(new Mismatch(example.source(), subject, message,
                    errata.reason(release.version(), example.source().toString(), message)));
        }
    }
}
