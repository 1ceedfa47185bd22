using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Admin.Tenants;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tenants;

public sealed class TenantAdminServiceTests : IAsyncLifetime
{
    private AdminTestHost host = null!;
    private TenantAdminService Tenants => host.Get<TenantAdminService>();

    public async Task InitializeAsync() => host = await AdminTestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static TenantEdit Valid(string name = "Contoso") => new()
    {
        Name = name,
        SenderAddress = "support@contoso.example",
        SenderName = "Contoso Support",
        Currency = "EUR",
        VatRate = 19m,
        QuoteNumberPrefix = "Q",
        TimeRoundingMinutes = 15,
    };

    [Fact]
    public async Task Creating_a_tenant_stores_it_normalised_and_gives_it_the_contact_reply_text_block()
    {
        var edit = Valid("  Fabrikam  ");
        edit.Currency = "usd";

        var result = await Tenants.SaveAsync(edit);

        result.Succeeded.Should().BeTrue();
        var stored = await Tenants.GetAsync(result.Id);
        stored!.Name.Should().Be("Fabrikam");
        stored.Currency.Should().Be("USD");
        stored.TimeRoundingMinutes.Should().Be(15);
        await using var db = host.CreateDbContext();
        (await db.Set<TextBlock>().Where(b => b.TenantId == result.Id).Select(b => b.Key).ToListAsync())
            .Should().Equal(TextBlockKeys.ContactReplyCustomer);
    }

    [Fact]
    public async Task Bad_input_is_reported_per_field_and_nothing_is_written()
    {
        var edit = new TenantEdit
        {
            Name = " ",
            SenderAddress = "support at contoso",
            SenderName = new string('x', 201),
            Currency = "EU1",
            VatRate = 100.5m,
            QuoteNumberPrefix = "Q 1",
            TimeRoundingMinutes = 7,
        };

        var result = await Tenants.SaveAsync(edit);

        result.Succeeded.Should().BeFalse();
        result.Errors.Keys.Should().BeEquivalentTo(
            nameof(TenantEdit.Name), nameof(TenantEdit.SenderAddress), nameof(TenantEdit.SenderName), nameof(TenantEdit.Currency),
            nameof(TenantEdit.VatRate), nameof(TenantEdit.QuoteNumberPrefix), nameof(TenantEdit.TimeRoundingMinutes));
        result.Errors.English(nameof(TenantEdit.Currency)).Should().Be("The currency must be a three-letter code such as EUR.");
        (await Tenants.ListAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    [InlineData(19.125)]
    public async Task The_VAT_rate_must_be_between_0_and_100_with_at_most_two_decimals(decimal vatRate)
    {
        var edit = Valid();
        edit.VatRate = vatRate;

        var result = await Tenants.SaveAsync(edit);

        result.Errors.Keys.Should().Equal(nameof(TenantEdit.VatRate));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(10)]
    [InlineData(15)]
    public async Task Every_offered_time_rounding_is_accepted(int minutes)
    {
        var edit = Valid();
        edit.TimeRoundingMinutes = minutes;

        (await Tenants.SaveAsync(edit)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task A_second_tenant_with_the_same_name_in_other_case_is_refused_with_a_message()
    {
        (await Tenants.SaveAsync(Valid("Contoso"))).Succeeded.Should().BeTrue();

        var result = await Tenants.SaveAsync(Valid("CONTOSO"));

        result.Errors.English(nameof(TenantEdit.Name)).Should().Be("Another tenant already has this name.");
        (await Tenants.ListAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task Editing_keeps_the_name_unique_but_allows_keeping_its_own_name()
    {
        var contoso = (await Tenants.SaveAsync(Valid("Contoso"))).Id;
        var fabrikam = (await Tenants.SaveAsync(Valid("Fabrikam"))).Id;

        var edit = (await Tenants.GetAsync(fabrikam))!;
        edit.Name = "Contoso";
        (await Tenants.SaveAsync(edit)).Errors.English(nameof(TenantEdit.Name)).Should().NotBeNull();

        var own = (await Tenants.GetAsync(contoso))!;
        own.VatRate = 7m;
        (await Tenants.SaveAsync(own)).Succeeded.Should().BeTrue();
        (await Tenants.GetAsync(contoso))!.VatRate.Should().Be(7m);
        (await Tenants.GetAsync(fabrikam))!.Name.Should().Be("Fabrikam");
    }

    [Fact]
    public async Task Saving_a_tenant_that_was_removed_meanwhile_is_reported()
    {
        var edit = Valid();
        edit.Id = 999;

        var result = await Tenants.SaveAsync(edit);

        result.Errors.English(FieldErrors.Form).Should().Be("This tenant no longer exists.");
    }
}
