package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.EmailSettings;
import org.simplejavamail.api.email.Email;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;

/** Sends plain-text mail. */
@FunctionalInterface
public interface Mailer {

    /** Sends the mail; throws {@link MailFailure} when the SMTP server cannot be reached or refuses it. */
    void send(String to, String subject, String text);

    /** A mail that could not be sent. */
    final class MailFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MailFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Mail through the SMTP server of {@code settings} (simple-java-mail over Jakarta Mail): TLS from the start on port
     * 465, STARTTLS required with {@code require_transport_security}, otherwise STARTTLS when the server offers it.
     */
    static Mailer smtp(EmailSettings settings) {
        org.simplejavamail.api.mailer.Mailer mailer = MailerBuilder.withSMTPServer(settings.smtpHost().orElseThrow(), settings.smtpPort(),
                        settings.smtpUser().orElse(null), settings.smtpPassword().orElse(null))
                .withTransportStrategy(settings.smtpPort() == 465 ? TransportStrategy.SMTPS // TLS from the first byte
                        : settings.requireTransportSecurity() ? TransportStrategy.SMTP_TLS : TransportStrategy.SMTP)
                .withSessionTimeout(20_000)
                .clearEmailValidator() // addresses were checked when the session was made; notif_from may be a local one
                .buildMailer();
        return (to, subject, text) -> {
            Email email = EmailBuilder.startingBlank().from(settings.notifFrom()).to(to).withSubject(subject).withPlainText(text).buildEmail();
            try {
                mailer.sendMail(email);
            } catch (RuntimeException e) { // MailException and the validation failures of the library
                throw new MailFailure("the mail could not be sent: " + e.getClass().getSimpleName(), e);
            }
        };
    }
}
