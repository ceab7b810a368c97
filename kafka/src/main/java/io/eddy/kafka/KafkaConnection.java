package io.eddy.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jboss.logging.Logger;

/**
 * One client connection: hands each frame to the dispatcher and writes the responses in the order the requests
 * came, as Kafka's protocol requires, however the handlers' answers interleave. A request is handled only once
 * every earlier request of the connection has been answered, as a Kafka broker does (it reads a connection's next
 * request once it has answered the last), so pipelined requests (asynchronous offset commits, say) take effect in
 * the order they were sent. Produce requests are the exception, for throughput over a write path whose answer
 * takes a group commit: they wait only for earlier requests of other APIs, and keep their order among themselves
 * from the order they are handed over ({@code produce.ConnectionTurns}). Closes the connection, with one
 * log line, on a frame that cannot be answered, when it has been idle too long, or once the answer that ends a
 * failed SASL authentication is written. One instance per connection; its state is touched only on the
 * connection's event loop (its session's may be read anywhere).
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(KafkaConnection.class);

    private final RequestDispatcher dispatcher;
    private final KafkaSession session;
    /** Completes when the last response so far has been handed to the channel. */
    private CompletionStage<Void> written = CompletableFuture.completedFuture(null);
    /** Completes when every request so far has been answered (or has failed). */
    private CompletionStage<Void> answeredAll = DONE;
    /** Completes when every request so far but the produces has been answered (or has failed). */
    private CompletionStage<Void> answeredOthers = DONE;
    /** Completes when the last request so far has been handed to the dispatcher: hand-overs keep arrival order. */
    private CompletionStage<Void> handedOver = DONE;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    KafkaConnection(RequestDispatcher dispatcher, KafkaSession session) {
        this.dispatcher = dispatcher;
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        boolean produce =
                frame.readableBytes() >= Short.BYTES && frame.getShort(frame.readerIndex()) == ApiKeys.PRODUCE.id;
        CompletionStage<Void> turn = both(produce ? answeredOthers : answeredAll, handedOver);
        CompletableFuture<Void> handed = new CompletableFuture<>();
        CompletionStage<Optional<ByteBuf>> response = turn.toCompletableFuture().isDone()
                ? dispatch(frame, handed)
                : turn.thenComposeAsync(ignored -> dispatch(frame, handed), ctx.executor());
        CompletionStage<Void> settled = response.handle((r, failure) -> null);
        handedOver = handed;
        answeredAll = both(answeredAll, settled);
        if (!produce) {
            answeredOthers = both(answeredOthers, settled);
        }
        CompletionStage<Optional<ByteBuf>> answered = response.whenComplete((r, failure) -> frame.release());
        written = written.thenCombine(answered, (previous, bytes) -> bytes)
                .handleAsync(
                        (bytes, failure) -> {
                            if (failure == null) {
                                bytes.ifPresent(b -> closeIfFailed(ctx, ctx.writeAndFlush(b)));
                            } else {
                                closeOnce(ctx, failure);
                            }
                            return null;
                        },
                        ctx.executor());
    }

    private CompletionStage<Optional<ByteBuf>> dispatch(ByteBuf frame, CompletableFuture<Void> handed) {
        try {
            return dispatcher.dispatch(frame.nioBuffer(), session);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            handed.complete(null);
        }
    }

    /** Completes when both have; a completed one is dropped, so the chains stay as long as what is in flight. */
    private static CompletionStage<Void> both(CompletionStage<Void> a, CompletionStage<Void> b) {
        if (a.toCompletableFuture().isDone()) {
            return b;
        }
        if (b.toCompletableFuture().isDone()) {
            return a;
        }
        return CompletableFuture.allOf(a.toCompletableFuture(), b.toCompletableFuture());
    }

    /** Kafka closes a connection whose SASL authentication failed once it has written the answer saying so. */
    private void closeIfFailed(ChannelHandlerContext ctx, ChannelFuture written) {
        session.failure().ifPresent(reason -> {
            LOG.infof("closing Kafka connection from %s: %s", ctx.channel().remoteAddress(), reason);
            written.addListener(ChannelFutureListener.CLOSE);
        });
    }

    private void closeOnce(ChannelHandlerContext ctx, Throwable failure) {
        if (ctx.channel().isOpen()) {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            LOG.warnf("closing Kafka connection from %s: %s", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            LOG.debugf("closing idle Kafka connection from %s", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warnf("closing Kafka connection from %s: %s", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
