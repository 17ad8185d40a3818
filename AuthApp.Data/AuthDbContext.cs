using AuthApp.Data.OAuth;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuthApp.Data;

/// <summary>The unit of work; feature services query it directly (no repository layer on top of EF Core).</summary>
public sealed class AuthDbContext(DbContextOptions<AuthDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<RevocationCounter> RevocationCounters => Set<RevocationCounter>();
    public DbSet<ImportedUser> ImportedUsers => Set<ImportedUser>();
    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<OAuthClient> OAuthClients => Set<OAuthClient>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Consent> Consents => Set<Consent>();
    public DbSet<Factors.TotpAuthenticator> TotpAuthenticators => Set<Factors.TotpAuthenticator>();
    public DbSet<Factors.RecoveryCode> RecoveryCodes => Set<Factors.RecoveryCode>();
    public DbSet<Factors.LoginChallenge> LoginChallenges => Set<Factors.LoginChallenge>();
    public DbSet<Factors.Passkey> Passkeys => Set<Factors.Passkey>();
    public DbSet<Factors.PasskeyCeremony> PasskeyCeremonies => Set<Factors.PasskeyCeremony>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<User>(ConfigureUsers);
        modelBuilder.Entity<Session>(ConfigureSessions);
        modelBuilder.Entity<RevocationCounter>(ConfigureRevocationCounter);
        modelBuilder.Entity<SigningKey>(ConfigureSigningKeys);
        modelBuilder.Entity<ImportedUser>(ConfigureImportedUsers);
        modelBuilder.Entity<AccountToken>(ConfigureAccountTokens);
        modelBuilder.Entity<OutboxMessage>(ConfigureOutboxMessages);
        modelBuilder.Entity<AuditEntry>(ConfigureAuditEntries);
        modelBuilder.Entity<Consent>(ConfigureConsents);
        ConfigureFactors(modelBuilder);
        ConfigureOAuth(modelBuilder);
    }

    private static void ConfigureUsers(EntityTypeBuilder<User> user)
    {
        user.ToTable("users");
        // Wide enough for usernames imported from Django; new ones follow UsernameRules.MaxLength.
        user.Property(u => u.Username).HasMaxLength(UsernameRules.StoredMaxLength);
        user.Property(u => u.NormalizedUsername).HasMaxLength(UsernameRules.StoredMaxLength);
        user.Property(u => u.Email).HasMaxLength(254);
        user.Property(u => u.NormalizedEmail).HasMaxLength(254);
        user.Property(u => u.PasswordHash).HasMaxLength(512);
        user.HasIndex(u => u.NormalizedUsername).IsUnique();
        user.HasIndex(u => u.NormalizedEmail).IsUnique();
        // Existing accounts get a stamp of their own when the column is added; new ones get theirs from the entity.
        user.Property(u => u.SecurityStamp).HasDefaultValueSql("gen_random_uuid()");
        // Keyset pagination of the public and admin lists walks this index.
        user.HasIndex(u => new { u.DateJoined, u.Id });
    }

    private static void ConfigureSessions(EntityTypeBuilder<Session> session)
    {
        session.ToTable("sessions");
        session.Property(s => s.RevokedReason).HasMaxLength(32);
        session.HasOne(s => s.User).WithMany(u => u.Sessions).HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        session.HasIndex(s => s.UserId);
        session.HasIndex(s => s.ExpiresAt);
        session.HasIndex(s => s.RevokedAt);
        session.HasIndex(s => s.RevocationSeq);
        session.Property(s => s.ClientId).HasMaxLength(100);
        // A client's sessions are ended together (disabled, secret rotated); user sessions leave it null.
        session.HasIndex(s => s.ClientId).HasFilter("client_id IS NOT NULL");
        // A service's session has a client and no user; every other session has a user (and an app's, a client too).
        session.ToTable(t => t.HasCheckConstraint("ck_sessions_user_or_client",
            "user_id IS NOT NULL OR (client_id IS NOT NULL AND kind = 'service')"));
        session.Property(s => s.Kind).HasMaxLength(16).HasDefaultValue(SessionKinds.Api);
        session.Property(s => s.UserAgent).HasMaxLength(SessionKinds.UserAgentMaxLength);
        session.Property(s => s.Address).HasMaxLength(SessionKinds.AddressMaxLength);
        session.HasIndex(s => s.ParentId).HasFilter("parent_id IS NOT NULL");
        // Every refresh updates its session's row in place. None of the rotation columns is indexed, so with room
        // left on the page PostgreSQL makes it a heap-only update: no index entry written, the old version pruned.
        session.HasStorageParameter("fillfactor", 80);
    }

    private static void ConfigureRevocationCounter(EntityTypeBuilder<RevocationCounter> counter)
    {
        counter.ToTable("revocation_counter");
        counter.Property(c => c.Id).ValueGeneratedNever();
        counter.HasData(new RevocationCounter { Id = RevocationCounter.SingletonId, Value = 0 });
    }

    private static void ConfigureSigningKeys(EntityTypeBuilder<SigningKey> key)
    {
        key.ToTable("signing_keys");
        key.HasKey(k => k.Kid);
        key.Property(k => k.Kid).HasMaxLength(64);
        key.Property(k => k.Algorithm).HasMaxLength(16);
        key.HasIndex(k => k.CreatedAt);
    }

    private static void ConfigureImportedUsers(EntityTypeBuilder<ImportedUser> imported)
    {
        imported.ToTable("imported_users");
        // No foreign key: the ledger remembers an imported account even after it is deleted.
        imported.HasKey(i => i.UserId);
        imported.Property(i => i.Source).HasMaxLength(16);
    }

    private static void ConfigureAccountTokens(EntityTypeBuilder<AccountToken> token)
    {
        token.ToTable("account_tokens");
        token.Property(t => t.Purpose).HasMaxLength(32);
        token.Property(t => t.SecretHash).HasMaxLength(32);
        token.Property(t => t.Email).HasMaxLength(254);
        token.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        token.HasIndex(t => new { t.UserId, t.Purpose });
        token.HasIndex(t => t.ExpiresAt);
    }

    private static void ConfigureOutboxMessages(EntityTypeBuilder<OutboxMessage> message)
    {
        message.ToTable("outbox_messages");
        message.Property(m => m.Kind).HasMaxLength(32);
        message.Property(m => m.Recipient).HasMaxLength(254);
        message.Property(m => m.NormalizedRecipient).HasMaxLength(254);
        message.Property(m => m.Subject).HasMaxLength(200);
        message.Property(m => m.LastError).HasMaxLength(500);
        // The sender's claim walks only the rows still to send.
        message.HasIndex(m => m.NextAttemptAt).HasFilter("sent_at IS NULL AND abandoned_at IS NULL");
        message.HasIndex(m => new { m.NormalizedRecipient, m.CreatedAt });
        message.HasIndex(m => m.CreatedAt);
    }

    private static void ConfigureAuditEntries(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("audit_entries");
        entry.Property(e => e.ActorUsername).HasMaxLength(30);
        entry.Property(e => e.Action).HasMaxLength(32);
        entry.Property(e => e.TargetUsername).HasMaxLength(30);
        entry.Property(e => e.Subject).HasMaxLength(64);
        entry.Property(e => e.ClientAddress).HasMaxLength(64);
        entry.Property(e => e.Outcome).HasMaxLength(16);
        // The trail is read newest first, by keyset (occurred_at, id); retention deletes by occurred_at.
        entry.HasIndex(e => new { e.OccurredAt, e.Id });
        entry.HasIndex(e => new { e.ActorId, e.OccurredAt });
        entry.HasIndex(e => new { e.TargetUserId, e.OccurredAt });
    }

    private static void ConfigureConsents(EntityTypeBuilder<Consent> consent)
    {
        consent.ToTable("consents");
        consent.HasKey(c => new { c.UserId, c.ClientId });
        consent.Property(c => c.ClientId).HasMaxLength(100);
        consent.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    /// <summary>Second factors: an authenticator app per account, its recovery codes, passkeys, and logins waiting for a factor.</summary>
    private static void ConfigureFactors(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Factors.TotpAuthenticator>(totp =>
        {
            totp.ToTable("totp_authenticators");
            totp.HasKey(t => t.UserId);
            totp.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Factors.RecoveryCode>(code =>
        {
            code.ToTable("recovery_codes");
            code.Property(c => c.CodeHash).HasMaxLength(32);
            code.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
            code.HasIndex(c => c.UserId);
        });
        modelBuilder.Entity<Factors.LoginChallenge>(challenge =>
        {
            challenge.ToTable("login_challenges");
            challenge.Property(c => c.SecretHash).HasMaxLength(32);
            challenge.Property(c => c.SessionKind).HasMaxLength(16);
            challenge.Property(c => c.UserAgent).HasMaxLength(SessionKinds.UserAgentMaxLength);
            challenge.Property(c => c.Address).HasMaxLength(SessionKinds.AddressMaxLength);
            challenge.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
            challenge.HasIndex(c => c.ExpiresAt);
        });
        modelBuilder.Entity<Factors.Passkey>(passkey =>
        {
            passkey.ToTable("passkeys");
            passkey.Property(p => p.CredentialId).HasMaxLength(1023);
            passkey.Property(p => p.PublicKey).HasMaxLength(2048);
            passkey.Property(p => p.Name).HasMaxLength(100);
            passkey.Property(p => p.Transports).HasMaxLength(100);
            passkey.HasIndex(p => p.CredentialId).IsUnique();
            passkey.HasIndex(p => p.UserId);
            passkey.HasOne(p => p.User).WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Factors.PasskeyCeremony>(ceremony =>
        {
            ceremony.ToTable("passkey_ceremonies");
            ceremony.Property(c => c.Kind).HasMaxLength(16);
            ceremony.HasIndex(c => c.ExpiresAt);
        });
    }

    /// <summary>OpenIddict's four tables (AuthApp's client entity adds audiences and a disabled flag), snake_case like the rest.</summary>
    private static void ConfigureOAuth(ModelBuilder modelBuilder)
    {
        modelBuilder.UseOpenIddict<OAuthClient, OAuthAuthorization, OAuthScope, OAuthToken, Guid>();
        modelBuilder.Entity<OAuthClient>().ToTable("oauth_clients");
        modelBuilder.Entity<OAuthAuthorization>().ToTable("oauth_authorizations");
        modelBuilder.Entity<OAuthScope>().ToTable("oauth_scopes");
        modelBuilder.Entity<OAuthToken>().ToTable("oauth_tokens");
    }
}
