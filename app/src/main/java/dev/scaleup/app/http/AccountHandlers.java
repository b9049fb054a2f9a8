package dev.scaleup.app.http;

import static java.util.Objects.requireNonNull;

import dev.scaleup.app.auth.PasswordHasher;
import dev.scaleup.app.auth.Tokens;
import dev.scaleup.app.db.Bank;
import dev.scaleup.app.db.DbUnavailableException;
import dev.scaleup.app.db.IdempotentWrites;
import dev.scaleup.app.db.Users;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Users, sessions, the caller's account and transfers. */
final class AccountHandlers {

    record UserCreated(long userId, String email, long accountId) {
    }

    record Session(String token, String expiresAt, long userId) {
    }

    record AccountBody(long accountId, long balanceCents) {
    }

    record TransferBody(long transferId, long fromAccount, long toAccount, long amountCents, long balanceCents,
                        String createdAt, String idempotencyKey) {
    }

    record TransferItem(long transferId, long fromAccount, long toAccount, long amountCents, String direction,
                        String createdAt) {
    }

    record TransferPage(List<TransferItem> transfers, Long nextBefore) {
    }

    static final long MAX_AMOUNT_CENTS = 1_000_000_000L;
    private static final List<String> CREDENTIAL_FIELDS = List.of("email", "password");
    private static final List<String> TRANSFER_FIELDS = List.of("to_account", "amount_cents");

    private final Users users;
    private final Bank bank;
    private final PasswordHasher hasher;
    private final Tokens tokens;
    private final BearerAuth auth;
    private final JsonInput input;
    private final ReadRouting reads;
    private final KeyedWrites keyed;
    private final Json json;
    private final long startingBalanceCents;

    AccountHandlers(Users users, Bank bank, PasswordHasher hasher, Tokens tokens, BearerAuth auth, JsonInput input,
                    ReadRouting reads, KeyedWrites keyed, Json json, long startingBalanceCents) {
        this.users = requireNonNull(users, "users is null");
        this.bank = requireNonNull(bank, "bank is null");
        this.hasher = requireNonNull(hasher, "hasher is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.auth = requireNonNull(auth, "auth is null");
        this.input = requireNonNull(input, "input is null");
        this.reads = requireNonNull(reads, "reads is null");
        this.keyed = requireNonNull(keyed, "keyed is null");
        this.json = requireNonNull(json, "json is null");
        this.startingBalanceCents = startingBalanceCents;
    }

    /**
     * {@code POST /api/users {email, password}} with an optional {@code Idempotency-Key}: 201, or 409 when the email is
     * taken. A copy of a keyed sign-up gets the first answer only with the same password: the key's stored request
     * hash covers the email, and the password is checked against the user's stored hash.
     */
    void createUser(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        Optional<String> key = KeyedWrites.optional(req);
        JsonInput.Fields fields = input.read(req, CREDENTIAL_FIELDS);
        String email = Text.email(fields.string("email"));
        String password = Text.newPassword(fields.string("password"));
        String hash = hasher.hash(password);
        IdempotentWrites.Result result = users.create(email, hash, startingBalanceCents, key,
                created -> keyed.answer(Status.CREATED_201,
                        new UserCreated(created.userId(), created.email(), created.accountId())));
        if (result instanceof IdempotentWrites.Answered answered && answered.replay()
                && !passwordMatches(email, password)) {
            throw KeyedWrites.keyReused();
        }
        keyed.send(res, result, () -> new ApiException(Status.CONFLICT_409, "email_taken",
                "a user with this email exists"));
    }

    private boolean passwordMatches(String email, String password) throws DbUnavailableException, SQLException {
        Optional<Users.Credentials> credentials = users.credentials(email);
        return credentials.isPresent() && hasher.verify(password, credentials.get().passwordHash());
    }

    /** {@code POST /api/sessions {email, password}}: 200 with a token; the same 401 for any wrong credential. */
    void createSession(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        JsonInput.Fields fields = input.read(req, CREDENTIAL_FIELDS);
        String email = Text.loginEmail(fields.string("email"));
        String password = Text.loginPassword(fields.string("password"));
        Optional<Users.Credentials> credentials = users.credentials(email);
        boolean ok;
        if (credentials.isPresent()) {
            ok = hasher.verify(password, credentials.get().passwordHash());
        } else {
            hasher.verifyDummy(password);
            ok = false;
        }
        if (!ok) {
            throw new ApiException(Status.UNAUTHORIZED_401, "invalid_credentials", "wrong email or password");
        }
        Tokens.Issued issued = tokens.issue(credentials.get().userId());
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        json.send(res, Status.OK_200, new Session(issued.token(), Times.iso(issued.expiresAt()), issued.userId()));
    }

    /** {@code GET /api/accounts/me}. */
    void myAccount(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        long userId = auth.requireUser(req, res);
        Bank.Account account = bank.accountOf(userId).orElseThrow(() -> noAccount(res));
        json.send(res, Status.OK_200, new AccountBody(account.accountId(), account.balanceCents()));
    }

    /** {@code POST /api/transfers {to_account, amount_cents}} with {@code Idempotency-Key}. */
    void createTransfer(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        long userId = auth.requireUser(req, res);
        String key = KeyedWrites.required(req);
        JsonInput.Fields fields = input.read(req, TRANSFER_FIELDS);
        long to = fields.integer("to_account", 1, Long.MAX_VALUE);
        long amount = fields.integer("amount_cents", 1, MAX_AMOUNT_CENTS);
        Bank.Outcome outcome = bank.transfer(userId, to, amount, key);
        switch (outcome) {
            case Bank.Done done -> {
                Bank.Transfer t = done.transfer();
                if (done.replay()) {
                    res.header(KeyedWrites.IDEMPOTENT_REPLAY, "true");
                }
                reads.wrote(res);
                json.send(res, Status.CREATED_201, new TransferBody(t.transferId(), t.fromAccount(), t.toAccount(),
                        t.amountCents(), t.fromBalanceAfterCents(), Times.iso(t.createdAt()), t.idempotencyKey()));
            }
            case Bank.NoAccount none -> throw noAccount(res);
            case Bank.ToSelf self -> throw new ApiException(Status.UNPROCESSABLE_CONTENT_422, "self_transfer",
                    "to_account is your own account");
            case Bank.UnknownRecipient unknown -> throw new ApiException(Status.NOT_FOUND_404, "account_not_found",
                    "no account " + unknown.account());
            case Bank.InsufficientFunds poor -> throw new ApiException(Status.UNPROCESSABLE_CONTENT_422,
                    "insufficient_funds", "the balance (" + poor.balanceCents() + " cents) is less than "
                    + poor.amountCents() + " cents");
            case Bank.KeyReused reused -> throw new ApiException(Status.UNPROCESSABLE_CONTENT_422,
                    "idempotency_key_reused", "this Idempotency-Key was used for transfer "
                    + reused.first().transferId() + " with another recipient or amount; use a new key");
            case Bank.RecipientBalanceTooLarge big -> throw new ApiException(Status.UNPROCESSABLE_CONTENT_422,
                    "recipient_balance_too_large", "the recipient's balance cannot hold this amount");
        }
    }

    /** {@code GET /api/transfers?limit&before}: mine, sent or received, newest first. */
    void listTransfers(ServerRequest req, ServerResponse res) throws DbUnavailableException, SQLException {
        long userId = auth.requireUser(req, res);
        Paging paging = Paging.from(req.query());
        List<Bank.Listed> rows = bank.transfersOf(userId, paging.before(), paging.limit() + 1);
        List<TransferItem> items = rows.stream().limit(paging.limit())
                .map(t -> new TransferItem(t.transferId(), t.fromAccount(), t.toAccount(), t.amountCents(),
                        t.sent() ? "sent" : "received", Times.iso(t.createdAt())))
                .toList();
        json.send(res, Status.OK_200, new TransferPage(items,
                Paging.nextBefore(rows.stream().map(Bank.Listed::transferId).toList(), paging.limit())));
    }

    private static ApiException noAccount(ServerResponse res) {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        return new ApiException(Status.UNAUTHORIZED_401, "invalid_token", "the token's user has no account");
    }
}
