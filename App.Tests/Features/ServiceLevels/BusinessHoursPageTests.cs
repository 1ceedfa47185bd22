using System.Globalization;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.ServiceLevels.Pages;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using MudBlazor;

namespace BlazorTickets.Tests.Features.ServiceLevels;

public sealed class BusinessHoursPageTests : IAsyncLifetime
{
    private AdminTestHost host = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        host = await AdminTestHost.StartAsync(seedDemoData: true);
        await using var db = host.CreateDbContext();
        tenantId = db.Set<Tenant>().OrderBy(t => t.Id).First().Id;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderPage(BlazorTicketsTestContext context, int tenantId) =>
        context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<BusinessHoursPage>(1);
            builder.AddAttribute(2, nameof(BusinessHoursPage.TenantId), tenantId);
            builder.CloseComponent();
        });

    [Fact]
    public async Task An_admin_adds_bavarian_holidays_and_a_saturday_and_saves_them_in_german()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            await using var context = new BlazorTicketsTestContext(host.App);
            await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);
            var page = RenderPage(context, tenantId);

            page.WaitForAssertion(() => page.FindAll("[data-testid=business-hours-period]").Should().HaveCount(5), TimeSpan.FromSeconds(10));
            page.Find("h1").TextContent.Should().StartWith("Geschäftszeiten");
            page.Find("[data-testid=business-hours-default]").TextContent.Should().Contain("Standard-Geschäftszeiten");
            page.Markup.Should().Contain("Montag").And.Contain("Freitag");

            page.Find("[data-testid=holiday-preset]").Click();
            page.WaitForAssertion(() => page.FindAll("[data-testid=business-hours-holiday]").Should().HaveCount(12));
            page.Find("[data-testid=period-add]").Click();
            page.FindAll("input[data-testid=period-closes]")[5].Change("24:00");
            page.Find("[data-testid=business-hours-save]").Click();

            page.WaitForAssertion(() => page.FindAll("[data-testid=business-hours-default]").Should().BeEmpty());
            var stored = await host.Get<BusinessCalendarService>().GetAsync(tenantId);
            stored.IsStored.Should().BeTrue();
            stored.Holidays.Should().HaveCount(12).And.Contain(h => h.Name == "Fronleichnam");
            stored.Periods.Should().HaveCount(6).And.Contain(p => p.Closes == "24:00");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public async Task A_period_that_closes_before_it_opens_is_shown_at_its_row_and_nothing_is_saved()
    {
        await using var context = new BlazorTicketsTestContext(host.App);
        await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);
        var page = RenderPage(context, tenantId);
        page.WaitForAssertion(() => page.FindAll("[data-testid=business-hours-period]").Should().HaveCount(5), TimeSpan.FromSeconds(10));

        page.FindAll("input[data-testid=period-opens]")[2].Change("18:00");
        page.Find("[data-testid=business-hours-save]").Click();

        page.WaitForAssertion(() => page.FindAll("[data-testid=business-hours-period]")[2].TextContent.Should().Contain("must open before it closes"));
        page.FindAll("[data-testid=business-hours-period]")[1].TextContent.Should().NotContain("must open before it closes");
        (await host.Get<BusinessCalendarService>().GetAsync(tenantId)).IsStored.Should().BeFalse();
    }
}
