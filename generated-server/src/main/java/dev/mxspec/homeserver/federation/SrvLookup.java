package dev.mxspec.homeserver.federation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/** SRV records: the JDK's JNDI DNS provider by default, replaceable in tests. */
@FunctionalInterface
public interface SrvLookup {

    /**
     * An SRV target.
     *
     * @param host the target's hostname, without the trailing dot
     * @param port the target's port
     */
    record Target(String host, int port) {}

    /** The target to use for {@code name} (for example {@code _matrix-fed._tcp.example.org}): the one of lowest priority, if any. */
    Optional<Target> lookup(String name);

    /** No SRV records anywhere. */
    static SrvLookup none() {
        return name -> Optional.empty();
    }

    /** Looks SRV records up through JNDI's DNS provider; a name without records, or a failing lookup, gives none. */
    static SrvLookup dns() {
        return name -> {
            Hashtable<String, String> env = new Hashtable<>();
            env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
            env.put("com.sun.jndi.dns.timeout.initial", "2000");
            env.put("com.sun.jndi.dns.timeout.retries", "2");
            DirContext context = null;
            try {
                context = new InitialDirContext(env);
                Attributes attributes = context.getAttributes(name, new String[] {"SRV"});
                Attribute srv = attributes.get("SRV");
                if (srv == null) {
                    return Optional.empty();
                }
                List<String[]> records = new ArrayList<>();
                NamingEnumeration<?> values = srv.getAll();
                while (values.hasMore()) {
                    String[] parts = String.valueOf(values.next()).strip().split("\\s+");
                    if (parts.length == 4) {
                        records.add(parts);
                    }
                }
                return records.stream()
                        .filter(r -> !r[3].equals("."))
                        .min(Comparator.comparingInt((String[] r) -> Integer.parseInt(r[0])).thenComparingInt(r -> -Integer.parseInt(r[1])))
                        .map(r -> new Target(r[3].endsWith(".") ? r[3].substring(0, r[3].length() - 1) : r[3], Integer.parseInt(r[2])));
            } catch (NamingException | NumberFormatException e) {
                return Optional.empty();
            } finally {
                if (context != null) {
                    try {
                        context.close();
                    } catch (NamingException e) {
                        // nothing to release
                    }
                }
            }
        };
    }
}
