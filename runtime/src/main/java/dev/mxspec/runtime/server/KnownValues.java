package dev.mxspec.runtime.server;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * The values the spec defines for a generated open enum (its static {@code known()}): path and
 * query parameters of such a type take only these, while bodies keep unknown values as they are.
 */
final class KnownValues {

    private static final ClassValue<List<?>> KNOWN = new ClassValue<>() {
        @Override
        protected List<?> computeValue(Class<?> type) {
            try {
                Method known = type.getMethod("known");
                if (Modifier.isStatic(known.getModifiers()) && List.class.isAssignableFrom(known.getReturnType())) {
                    return List.copyOf((List<?>) known.invoke(null));
                }
            } catch (ReflectiveOperationException e) {
                // not an open enum
            }
            return null;
        }
    };

    private KnownValues() {}

    /** The known values of {@code type}, or {@code null} when it is not an open enum. */
    static List<?> of(Class<?> type) {
        return KNOWN.get(type);
    }
}
