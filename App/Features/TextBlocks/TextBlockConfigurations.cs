using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.TextBlocks;

internal sealed class TextBlockConfiguration : IEntityTypeConfiguration<TextBlock>
{
    public void Configure(EntityTypeBuilder<TextBlock> b)
    {
        b.ToTable("TextBlocks");
        b.Property(t => t.Key).HasMaxLength(100);
        b.Property(t => t.Name).HasMaxLength(200);
        b.HasIndex(t => new { t.TenantId, t.Key }).IsUnique();
    }
}
