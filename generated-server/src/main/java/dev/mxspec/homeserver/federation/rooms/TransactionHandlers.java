package dev.mxspec.homeserver.federation.rooms;

import dev.mxspec.homeserver.federation.Origin;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResults;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendTransaction;
import dev.mxspec.spec.v1_7.serverserver.server.TransactionsHandler;

/** {@code PUT /send/{txnId}}: another server's transaction, processed once ({@link InboundTransactions}). */
public final class TransactionHandlers implements TransactionsHandler {

    private final InboundTransactions transactions;

    public TransactionHandlers(InboundTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public PDUProcessingResults sendTransaction(RequestContext context, SendTransaction.Request request) {
        return transactions.receive(context.principal(Origin.class).serverName(), request.txnId(), request.body());
    }
}
