package io.eddy.kafka;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The Kafka protocol's TCP listener: one per process, bound at {@link #start} and open until {@link #close}.
 * Each connection gets TLS first when configured, then an idle timeout, a frame decoder (the size limit) and its
 * own {@link KafkaConnection}; all share one {@link RequestDispatcher}. Thread-safe.
 */
public final class KafkaListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaListener.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel server;
    private final BrokerNode advertised;

    private KafkaListener(EventLoopGroup boss, EventLoopGroup workers, Channel server, BrokerNode advertised) {
        this.boss = boss;
        this.workers = workers;
        this.server = server;
        this.advertised = advertised;
    }

    /**
     * Binds and answers every API of {@link KafkaApis} over {@code services}; connections must authenticate
     * (SASL) when the services hold identities, that is when access control is on.
     */
    public static KafkaListener start(KafkaSettings settings, KafkaServices services) {
        return start(settings, services.identities().isPresent(), self -> KafkaApis.all(services, self));
    }

    /**
     * Binds, then builds the handlers for this instance as advertised (its port known only now when the bound
     * port is 0), then accepts connections.
     *
     * @param authenticationRequired whether a connection must authenticate before anything but ApiVersions and SASL
     * @param handlers the APIs this listener answers, given the node it advertises
     */
    public static KafkaListener start(
            KafkaSettings settings, boolean authenticationRequired, Function<BrokerNode, ApiHandlers> handlers) {
        Optional<SslContext> tls = settings.tls().map(KafkaTls::serverContext); // bad files fail the start
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        DispatcherHolder holder = new DispatcherHolder();
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false) // no accepts until the dispatcher exists
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            tls.ifPresent(context -> ch.pipeline().addLast(context.newHandler(ch.alloc())));
                            KafkaSession session = authenticationRequired
                                    ? KafkaSession.unauthenticated(ch.remoteAddress())
                                    : KafkaSession.open(ch.remoteAddress());
                            ch.pipeline()
                                    .addLast(new IdleStateHandler(
                                            0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                                    .addLast(new FrameDecoder(settings.maxRequestBytes(), session))
                                    .addLast(new KafkaConnection(holder.dispatcher, session));
                        }
                    })
                    .bind(settings.host(), settings.port())
                    .syncUninterruptibly()
                    .channel();
            int bound = ((InetSocketAddress) server.localAddress()).getPort();
            BrokerNode advertised = new BrokerNode(
                    BrokerNode.SELF_ID,
                    settings.advertisedHost(),
                    settings.advertisedPort() == 0 ? bound : settings.advertisedPort());
            holder.dispatcher = new RequestDispatcher(handlers.apply(advertised), new KafkaCodec());
            server.config().setAutoRead(true);
            LOG.infof(
                    "Kafka protocol listening on %s:%d (%s), advertised as %s:%d",
                    settings.host(),
                    bound,
                    tls.isPresent() ? "TLS" : "plain TCP",
                    advertised.host(),
                    advertised.port());
            return new KafkaListener(boss, workers, server, advertised);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The port bound: the configured one, or the one picked when it was 0. */
    public int boundPort() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** This instance as clients are told of it. */
    public BrokerNode advertised() {
        return advertised;
    }

    /** Stops accepting, closes every connection and waits for the event loops to end. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The dispatcher, set once after binding and before the first accept (auto-read is off until then). */
    private static final class DispatcherHolder {
        volatile RequestDispatcher dispatcher;
    }
}
