using Microsoft.EntityFrameworkCore;

namespace AuthApp.Data;

/// <summary>The unit of work; feature services query it directly (no repository layer on top of EF Core).</summary>
public sealed class AuthDbContext(DbContextOptions<AuthDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.Property(u => u.Username).HasMaxLength(30);
            user.Property(u => u.NormalizedUsername).HasMaxLength(30);
            user.Property(u => u.Email).HasMaxLength(254);
            user.Property(u => u.NormalizedEmail).HasMaxLength(254);
            user.Property(u => u.PasswordHash).HasMaxLength(512);
            user.HasIndex(u => u.NormalizedUsername).IsUnique();
            user.HasIndex(u => u.NormalizedEmail).IsUnique();
            // Keyset pagination of the public and admin lists walks this index.
            user.HasIndex(u => new { u.DateJoined, u.Id });
        });

        modelBuilder.Entity<Session>(session =>
        {
            session.ToTable("sessions");
            session.Property(s => s.RevokedReason).HasMaxLength(32);
            session.HasOne(s => s.User).WithMany(u => u.Sessions).HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            session.HasIndex(s => s.UserId);
            session.HasIndex(s => s.ExpiresAt);
            session.HasIndex(s => s.RevokedAt);
        });

        modelBuilder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.HasKey(k => k.Kid);
            key.Property(k => k.Kid).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(16);
            key.HasIndex(k => k.CreatedAt);
        });

        modelBuilder.Entity<AuditEntry>(entry =>
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
        });

        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.HasKey(t => t.Jti);
            token.HasOne(t => t.Session).WithMany(s => s.RefreshTokens).HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
            token.HasIndex(t => t.SessionId);
            token.HasIndex(t => t.ExpiresAt);
        });
    }
}
