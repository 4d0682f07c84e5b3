package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.Receipt;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import java.util.List;
import java.util.Optional;

/** Per-user streams: account data, receipts, filters, to-device messages, presence. */
public interface StreamStore {

    void saveAccountData(AccountData data);

    Optional<AccountData> accountData(String userId, String roomId, String type);

    List<AccountData> accountDataSince(String userId, long after);

    void saveReceipt(Receipt receipt);

    List<Receipt> receiptsSince(List<String> roomIds, long after);

    void saveFilter(String userId, String filterId, String json);

    Optional<String> filter(String userId, String filterId);

    void saveToDevice(ToDevice message);

    List<ToDevice> toDeviceSince(String userId, String deviceId, long after, int limit);

    void deleteToDeviceUpTo(String userId, String deviceId, long upTo);

    void savePresence(Presence presence);

    List<Presence> presenceSince(List<String> userIds, long after);

    Optional<Presence> presence(String userId);
}
