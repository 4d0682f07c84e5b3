package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** Events users reported as inappropriate, kept for the server's operators. */
public interface ReportStore {

    /** A report: who reported which event, why, and how offensive they scored it (-100 most, 0 not at all). */
    record EventReport(long reportId, String roomId, String eventId, String reporter, Optional<String> reason, Optional<Long> score,
            long receivedTs) {}

    /** Keeps a report; its ID is the next after the highest kept. */
    EventReport saveReport(String roomId, String eventId, String reporter, Optional<String> reason, Optional<Long> score, long receivedTs);

    /** The reports received at or after {@code since}, oldest first, at most {@code limit}. */
    List<EventReport> reports(long since, int limit);
}
