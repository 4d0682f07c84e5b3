package dev.mxspec.generator.emit;

import com.palantir.javapoet.ClassName;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.EndpointGroup;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.names.Names;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The public surface of the Java generated for a release, as class name to member to signature,
 * with package names relative to the release (so that two releases compare): record components of
 * models and requests, enum constants, handler and client methods. Built from the same naming
 * rules the emitters use.
 */
public final class CodeSurface {

    private static final String ROOT = "mx";

    private CodeSurface() {}

    /** Class (relative, like {@code clientserver.SyncResponse}) to member to signature. */
    public static Map<String, Map<String, String>> of(SpecRelease release) {
        JavaLayout layout = new JavaLayout(release, ROOT, "");
        JavaTypes types = new JavaTypes(layout);
        UnionEmitter unions = new UnionEmitter(release, types);
        Map<String, Map<String, String>> surface = new TreeMap<>();
        for (NamedType type : release.types().values()) {
            Map<String, String> members = new TreeMap<>();
            switch (type) {
                case NamedType.ObjectType o -> {
                    List<String> names = ModelEmitter.componentNames(o);
                    for (int i = 0; i < o.fields().size(); i++) {
                        Field f = o.fields().get(i);
                        String javaType = relative(types.of(f.type()).toString());
                        boolean nullable = f.type() instanceof dev.mxspec.generator.model.TypeRef.Nullable;
                        members.put(names.get(i), f.required() ? javaType
                                : "Optional<" + (nullable ? "Nullable<" + javaType + ">" : javaType) + ">");
                    }
                }
                case NamedType.EnumType e -> e.values().forEach(v -> members.put(Names.constant(v), "\"" + v + "\""));
                case NamedType.UnionType u -> unions.variants(u).forEach(v -> members.put(v.name(), relative(v.type().toString())));
            }
            surface.put(relative(layout.typeClass(type.name()).canonicalName()), members);
        }
        for (Api api : release.apis()) {
            Map<String, String> client = new TreeMap<>();
            for (EndpointGroup group : api.groups()) {
                Map<String, String> handler = new TreeMap<>();
                for (Operation op : group.operations()) {
                    ClassName endpoint = EndpointEmitter.endpointClass(layout, api.kind(), op);
                    Map<String, String> request = new TreeMap<>();
                    for (RequestShape.Component c : RequestShape.of(op).components()) {
                        request.put(c.name(), relative(EndpointEmitter.componentType(types, c).toString()));
                    }
                    surface.put(relative(endpoint.canonicalName()) + ".Request", request);
                    String response = relative(EndpointEmitter.success(types, op).getValue().toString());
                    String signature = "(" + relative(endpoint.canonicalName()) + ".Request) -> " + response;
                    handler.put(ServerEmitter.handlerMethod(op), signature);
                    client.put(Names.camel(op.operationId()), signature);
                }
                if (!handler.isEmpty()) {
                    surface.put(relative(ServerEmitter.handlerClass(layout, api, group).canonicalName()), handler);
                }
            }
            surface.put(relative(ClientEmitter.clientClass(layout, api).canonicalName()), client);
        }
        return surface;
    }

    private static String relative(String name) {
        return name.replace(ROOT + ".", "").replace("java.util.", "").replace("java.lang.", "")
                .replace("com.fasterxml.jackson.databind.", "").replace("dev.mxspec.runtime.api.", "");
    }
}
