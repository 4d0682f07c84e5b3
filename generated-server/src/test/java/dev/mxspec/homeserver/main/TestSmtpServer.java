package dev.mxspec.homeserver.main;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A mail receiver for tests: enough SMTP (EHLO or HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for a client to deliver
 * to it; each mail is parsed as MIME and queued.
 */
final class TestSmtpServer implements AutoCloseable {

    /** A received mail: its recipients and its plain-text body, decoded. */
    record Mail(List<String> to, String subject, String text) {}

    private final ServerSocket socket;
    private final BlockingQueue<Mail> mails = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    TestSmtpServer() throws Exception {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    Thread.ofVirtual().start(() -> converse(s));
                } catch (Exception e) {
                    return;
                }
            }
        });
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The next mail, waiting up to 10 s; null when none came. */
    Mail next() throws InterruptedException {
        return mails.poll(10, TimeUnit.SECONDS);
    }

    /** The next mail if one is already there or comes within {@code ms}. */
    Mail poll(long ms) throws InterruptedException {
        return mails.poll(ms, TimeUnit.MILLISECONDS);
    }

    private void converse(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream()) {
            reply(out, "220 test SMTP ready");
            java.util.ArrayList<String> to = new java.util.ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line.toUpperCase(java.util.Locale.ROOT);
                switch (command) {
                    case "EHLO" -> reply(out, "250-test\r\n250 8BITMIME");
                    case "HELO", "MAIL", "NOOP" -> reply(out, "250 OK");
                    case "RSET" -> {
                        to.clear();
                        reply(out, "250 OK");
                    }
                    case "RCPT" -> {
                        to.add(line.substring(line.indexOf('<') + 1, line.lastIndexOf('>')));
                        reply(out, "250 OK");
                    }
                    case "DATA" -> {
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        StringBuilder data = new StringBuilder();
                        String d;
                        while ((d = in.readLine()) != null && !d.equals(".")) {
                            data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
                        }
                        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                                new ByteArrayInputStream(data.toString().getBytes(StandardCharsets.UTF_8)));
                        mails.add(new Mail(List.copyOf(to), message.getSubject(), text(message.getContent())));
                        to.clear();
                        reply(out, "250 queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } catch (Exception e) {
            // the client went away
        }
    }

    private static String text(Object content) throws Exception {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof jakarta.mail.Multipart m) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < m.getCount(); i++) {
                all.append(text(m.getBodyPart(i).getContent()));
            }
            return all.toString();
        }
        return String.valueOf(content);
    }

    private static void reply(OutputStream out, String text) throws Exception {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws java.io.IOException {
        socket.close();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
