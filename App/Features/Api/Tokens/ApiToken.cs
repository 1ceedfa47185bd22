using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Api.Tokens;

/// <summary>
/// A personal access token: a staff user's key for the REST API, limited to <see cref="Scopes"/>. Only the SHA-256 of
/// the secret is kept; the secret itself is shown once, when it is made.
/// </summary>
public class ApiToken
{
    public int Id { get; set; }
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public string Name { get; set; } = "";
    /// <summary>The secret's first characters, so a user can tell their tokens apart.</summary>
    public string Prefix { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("ApiTokens");
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(t => t.Name).HasMaxLength(ApiTokenService.MaxNameLength);
        b.Property(t => t.Prefix).HasMaxLength(20);
        b.Property(t => t.SecretHash).HasMaxLength(64);
        b.Property(t => t.RevokedBy).HasMaxLength(256);
        b.HasIndex(t => t.SecretHash).IsUnique();
        b.HasIndex(t => t.UserId);
    }
}
