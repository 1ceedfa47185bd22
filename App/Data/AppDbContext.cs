using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Data;

/// <summary>
/// The one context of the app. It names no feature's entities: each feature keeps its entities and their
/// configurations, which are found by scanning the assembly, and reads them with <c>Set&lt;T&gt;()</c>. Only the
/// Identity store's user type is named, because Identity's context is generic over it.
/// </summary>
public class AppDbContext : IdentityDbContext<AppUser>
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options)
    {
    }

    /// <summary>For the provider's own context type, which keeps its own migrations (<see cref="Postgres.PostgresAppDbContext"/>).</summary>
    protected AppDbContext(DbContextOptions options) : base(options)
    {
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    private readonly List<UntrackedChange> untrackedChanges = [];

    /// <summary>Changes noted since the last successful save, for the save interceptors.</summary>
    public IReadOnlyList<UntrackedChange> UntrackedChanges => untrackedChanges;

    /// <summary>Tells the next SaveChanges of this context about a change made with ExecuteUpdate.</summary>
    public void NoteUntrackedChange(UntrackedChange change) => untrackedChanges.Add(change);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        untrackedChanges.Clear();
        return saved;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        untrackedChanges.Clear();
        return saved;
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.Version++;
            }
        }
    }
}

/// <summary>A named sequence, for ticket and quote numbers.</summary>
public class Counter
{
    public string Name { get; set; } = "";
    public long Value { get; set; }
}
