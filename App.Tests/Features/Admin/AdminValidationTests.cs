using BlazorTickets.Data;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Admin;

public sealed class AdminValidationTests
{
    [Theory]
    [InlineData("support@contoso.example", true)]
    [InlineData("first.last+tag@sub.contoso.example", true)]
    [InlineData("", false)]
    [InlineData("support", false)]
    [InlineData("support@contoso", false)]
    [InlineData("support@@contoso.example", false)]
    [InlineData("Support <support@contoso.example>", false)]
    [InlineData("sup port@contoso.example", false)]
    [InlineData("support@contoso.example.", false)]
    public void Only_bare_addresses_with_a_domain_count_as_email_addresses(string text, bool valid) =>
        AdminValidation.IsEmailAddress(text).Should().Be(valid);

    [Fact]
    public async Task A_write_refused_by_a_unique_index_is_recognised()
    {
        await using var host = await AdminTestHost.StartAsync();
        await using var db = host.CreateDbContext();
        db.Set<Tenant>().AddRange(new Tenant { Name = "Contoso" }, new Tenant { Name = "Contoso" });

        var thrown = await FluentActions.Awaiting(() => db.SaveChangesAsync()).Should().ThrowAsync<DbUpdateException>();

        thrown.Which.IsUniqueViolation().Should().BeTrue();
    }
}
