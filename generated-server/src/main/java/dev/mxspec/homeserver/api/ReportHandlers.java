package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.storage.ReportStore;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.endpoints.ReportContent;
import dev.mxspec.spec.v1_7.clientserver.server.ReportContentHandler;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /rooms/{roomId}/report/{eventId}}: a user reports an event he can see as inappropriate. The report is
 * kept for the server's operators ({@code mxspec-homeserver list-reports}) and logged without its reason. An event the
 * user cannot see, or that is not in the room, is not found (as Synapse answers), so reports reveal nothing.
 */
public final class ReportHandlers implements ReportContentHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReportHandlers.class);
    /** Longer reasons are refused: the table is for reports, not for storing a client's files. */
    static final int MAX_REASON = 4096;

    private final RoomReads reads;
    private final ReportStore reports;
    private final LongSupplier clock;

    public ReportHandlers(RoomReads reads, ReportStore reports, LongSupplier clock) {
        this.reads = reads;
        this.reports = reports;
        this.clock = clock;
    }

    @Override
    public JsonNode reportContent(RequestContext context, ReportContent.Request request) {
        String userId = caller(context).userId();
        var body = request.body();
        if (body.score().isPresent() && (body.score().get() < -100 || body.score().get() > 0)) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "score must be between -100 (most offensive) and 0, not "
                    + body.score().get());
        }
        if (body.reason().isPresent() && body.reason().get().length() > MAX_REASON) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "reason is longer than " + MAX_REASON + " characters");
        }
        try {
            reads.event(reads.view(userId, request.roomId()), request.eventId());
        } catch (MatrixException hidden) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "Unable to report event: it does not exist or you aren't able to see it.");
        }
        ReportStore.EventReport report = reports.saveReport(request.roomId(), request.eventId(), userId, body.reason(), body.score(),
                clock.getAsLong());
        LOG.info("report {}: {} reported {} in {}", report.reportId(), userId, request.eventId(), request.roomId());
        return Handlers.empty();
    }
}
