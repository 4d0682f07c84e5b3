package dev.mxspec.homeserver.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.UnpaddedBase64;
import org.junit.jupiter.api.Test;

/** Expected reference hashes were computed independently, with Python's json and hashlib. */
class EventHashesTest {

    @Test
    void contentHashOfTheMinimalAppendixEvent() {
        assertThat(UnpaddedBase64.encode(EventHashes.contentHash(SpecVectors.minimalEvent())))
                .isEqualTo("5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos");
    }

    @Test
    void contentHashIgnoresUnsignedSignaturesAndHashes() {
        assertThat(EventHashes.contentHash(SpecVectors.minimalEventSigned()))
                .isEqualTo(EventHashes.contentHash(SpecVectors.minimalEvent()));
    }

    @Test
    void withContentHashStoresItUnderSha256() {
        ObjectNode hashed = EventHashes.withContentHash(SpecVectors.redactableEvent());

        assertThat(hashed.get("hashes"))
                .isEqualTo(Events.json("{'sha256': 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g'}"));
    }

    @Test
    void aSignedEventHasAValidContentHashUntilItsContentChanges() {
        ObjectNode event = SpecVectors.redactableEventSigned();
        assertThat(EventHashes.hasValidContentHash(event)).isTrue();

        ((ObjectNode) event.get("content")).put("body", "Here is the message content!");

        assertThat(EventHashes.hasValidContentHash(event)).isFalse();
    }

    @Test
    void anEventWithoutHashesHasNoValidContentHash() {
        assertThat(EventHashes.hasValidContentHash(SpecVectors.redactableEvent())).isFalse();
    }

    @Test
    void referenceHashCoversTheRedactedEventWithItsHashes() {
        assertThat(UnpaddedBase64.encode(EventHashes.referenceHash(SpecVectors.minimalEventSigned(), RoomVersions.V4)))
                .isEqualTo("8yif6p8EqgoSten2BLje9ntKm720NyFLWQv9tn8memc");
    }

    @Test
    void referenceHashIgnoresRedactableContent() {
        ObjectNode event = SpecVectors.redactableEventSigned();
        ((ObjectNode) event.get("content")).put("body", "something else");

        assertThat(UnpaddedBase64.encode(EventHashes.referenceHash(event, RoomVersions.V1)))
                .isEqualTo("oFAil2fHTGY66j9PIsC3hnc+/6r2SQGxCzd1/FUgtOE");
    }
}
