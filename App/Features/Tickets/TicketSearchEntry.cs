using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// A row of the FTS5 table <see cref="TicketSearchSql.Table"/> as queries see it: the ticket id (its rowid), the
/// hidden column that takes a query (<c>TicketSearch = 'words'</c> is FTS5's MATCH) and the bm25 rank.
/// Created by <see cref="TicketSearchSql"/>, not by EF. On PostgreSQL the table of that name holds tsvector documents
/// instead, and <see cref="TicketSearchSql.Matching"/> reads them as rows of this shape (<see cref="TicketSearchPostgres"/>).
/// </summary>
public class TicketSearchEntry
{
    public int TicketId { get; set; }
    public string Match { get; set; } = "";
    public double Rank { get; set; }
}

internal sealed class TicketSearchEntryConfiguration : IEntityTypeConfiguration<TicketSearchEntry>
{
    public void Configure(EntityTypeBuilder<TicketSearchEntry> b)
    {
        b.ToTable(TicketSearchSql.Table, t => t.ExcludeFromMigrations());
        b.HasKey(e => e.TicketId);
        b.Property(e => e.TicketId).HasColumnName("rowid").ValueGeneratedNever();
        b.Property(e => e.Match).HasColumnName(TicketSearchSql.Table);
        b.Property(e => e.Rank).HasColumnName("rank");
    }
}
