package io.eddy.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * One client connection: hands each frame to the dispatcher and writes the responses in the order the requests
 * came, as Kafka's protocol requires, however the handlers' answers interleave. Closes the connection, with one
 * log line, on a frame that cannot be answered or when it has been idle too long. One instance per connection;
 * its state is touched only on the connection's event loop.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(KafkaConnection.class);

    private final RequestDispatcher dispatcher;
    private final boolean authenticationRequired;
    private KafkaSession session;
    /** Completes when the last response so far has been handed to the channel. */
    private CompletionStage<Void> written = CompletableFuture.completedFuture(null);

    KafkaConnection(RequestDispatcher dispatcher, boolean authenticationRequired) {
        this.dispatcher = dispatcher;
        this.authenticationRequired = authenticationRequired;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        SocketAddress remote = ctx.channel().remoteAddress();
        session = authenticationRequired ? KafkaSession.unauthenticated(remote) : KafkaSession.open(remote);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        CompletionStage<Optional<ByteBuf>> response;
        try {
            response = dispatcher.dispatch(frame.nioBuffer(), session);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        CompletionStage<Optional<ByteBuf>> answered = response.whenComplete((r, failure) -> frame.release());
        written = written.thenCombine(answered, (previous, bytes) -> bytes)
                .handleAsync(
                        (bytes, failure) -> {
                            if (failure == null) {
                                bytes.ifPresent(ctx::writeAndFlush);
                            } else {
                                closeOnce(ctx, failure);
                            }
                            return null;
                        },
                        ctx.executor());
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
