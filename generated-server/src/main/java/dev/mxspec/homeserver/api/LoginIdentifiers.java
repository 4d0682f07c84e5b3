package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.clientserver.LoginRequest;
import dev.mxspec.spec.v1_7.clientserver.UserIdentifier;
import java.util.Map;
import java.util.Optional;

/**
 * The user a password login names, by each identifier type of the spec: {@code m.id.user} (a user ID or localpart),
 * {@code m.id.thirdparty} (an email address or, canonicalised, a phone number added to the account), {@code m.id.phone}
 * (a number as the user typed it, with its country), or the deprecated top-level {@code user}, {@code medium} and
 * {@code address}. An address or number no account has fails as a wrong password does (403 {@code M_FORBIDDEN}), so that
 * logins do not tell which are known; an identifier type the spec does not define is a 400 {@code M_UNKNOWN}.
 */
final class LoginIdentifiers {

    private LoginIdentifiers() {
    }

    static String user(LoginRequest body, Optional<ThirdPartyIds> threepids) {
        if (body.identifier().isEmpty()) {
            if (body.user().isPresent()) {
                return body.user().get();
            }
            if (body.medium().isPresent() || body.address().isPresent()) {
                return thirdParty(body.medium(), body.address(), threepids);
            }
            throw MatrixException.missingParam("identifier");
        }
        UserIdentifier identifier = body.identifier().get();
        Map<String, JsonNode> fields = identifier.additionalProperties();
        return switch (identifier.type()) {
            case "m.id.user" -> text(fields, "user").or(body::user).orElseThrow(() -> MatrixException.missingParam("identifier.user"));
            case "m.id.thirdparty" -> thirdParty(text(fields, "medium"), text(fields, "address"), threepids);
            case "m.id.phone" -> {
                String country = text(fields, "country").orElseThrow(() -> MatrixException.missingParam("identifier.country"));
                String phone = text(fields, "phone").orElseThrow(() -> MatrixException.missingParam("identifier.phone"));
                yield owner("msisdn", ThirdPartyIds.msisdn(country, phone), threepids);
            }
            default -> throw new MatrixException(400, ErrorCodes.M_UNKNOWN, "unknown login identifier type " + identifier.type());
        };
    }

    private static String thirdParty(Optional<String> medium, Optional<String> address, Optional<ThirdPartyIds> threepids) {
        if (medium.isEmpty() || address.isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "a third-party identifier needs medium and address");
        }
        return switch (medium.get()) {
            case "email" -> {
                String email;
                try {
                    email = ThirdPartyIds.normaliseEmail(address.get());
                } catch (MatrixException notAnAddress) {
                    throw unknown();
                }
                yield owner("email", email, threepids);
            }
            case "msisdn" -> owner("msisdn", address.get(), threepids);
            default -> throw unknown();
        };
    }

    private static String owner(String medium, String address, Optional<ThirdPartyIds> threepids) {
        return threepids.flatMap(t -> t.owner(medium, address)).orElseThrow(LoginIdentifiers::unknown);
    }

    private static MatrixException unknown() {
        return new MatrixException(403, ErrorCodes.M_FORBIDDEN, "Invalid username or password");
    }

    private static Optional<String> text(Map<String, JsonNode> fields, String name) {
        JsonNode value = fields.get(name);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
