package dev.mxspec.homeserver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.push.Actions;
import dev.mxspec.homeserver.push.CompiledRules;
import dev.mxspec.homeserver.push.DefaultRules;
import dev.mxspec.homeserver.push.Recipient;
import dev.mxspec.homeserver.push.RoomFacts;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The v1.7 server-default rule set evaluated for one event and one member (compiled once, as the
 * server does per user and change): a plain message that falls through to {@code .m.rule.message},
 * the longest walk down the list, and a message that mentions the member by name; and, as the
 * server evaluates a new event, one plain message for each of 200 members of a room who kept the
 * server's rules (one shared rule set walked once, then each member's own conditions), per member.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PushRulesBenchmark {

    private CompiledRules rules;
    private Recipient recipient;
    private RoomFacts room;
    private JsonNode plain;
    private JsonNode mention;
    private CompiledRules shared;
    private java.util.List<Recipient> members;

    @Setup
    public void setup() throws Exception {
        rules = CompiledRules.compile(DefaultRules.forUser("@alice:example.org"));
        recipient = Recipient.of("@alice:example.org", Optional.of("Alice Liddell"));
        room = new RoomFacts() {
            @Override
            public long joinedMembers() {
                return 200;
            }

            @Override
            public long senderLevel(String sender) {
                return 0;
            }

            @Override
            public long notificationLevel(String key) {
                return 50;
            }
        };
        plain = MatrixJson.mapper().readTree("{\"type\":\"m.room.message\",\"sender\":\"@bob:example.org\",\"room_id\":\"!r:example.org\","
                + "\"content\":{\"msgtype\":\"m.text\",\"body\":\"Shall we have lunch at the usual place around noon today?\"}}");
        mention = MatrixJson.mapper().readTree("{\"type\":\"m.room.message\",\"sender\":\"@bob:example.org\",\"room_id\":\"!r:example.org\","
                + "\"content\":{\"msgtype\":\"m.text\",\"body\":\"Alice Liddell, lunch?\"}}");
        members = new java.util.ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            String id = "@member" + i + ":example.org";
            members.add(Recipient.of(id, Optional.of("Member " + i)));
            shared = CompiledRules.compile(DefaultRules.forUser(id), id);
        }
    }

    private static final int MEMBERS = 200;

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(MEMBERS)
    public int plainMessageForEachMemberOfARoom() {
        CompiledRules.Evaluation evaluation = shared.forEvent(plain, room, new java.util.IdentityHashMap<>());
        int notified = 0;
        for (Recipient member : members) {
            notified += evaluation.actions(plain, member, room).notifies() ? 1 : 0;
        }
        return notified;
    }

    @Benchmark
    public Actions plainMessage() {
        return rules.actions(plain, recipient, room);
    }

    @Benchmark
    public Actions mentionByName() {
        return rules.actions(mention, recipient, room);
    }
}
