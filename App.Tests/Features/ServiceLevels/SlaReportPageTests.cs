using System.Globalization;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.ServiceLevels.Reports;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.ServiceLevels;

/// <summary>The report page in a bUnit circuit over the stages of <see cref="SlaWorld"/>; today is 16 March 2026.</summary>
public sealed class SlaReportPageTests : IAsyncLifetime
{
    private TestServices app = null!;
    private SlaWorld world = null!;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(clock: new FixedTimeProvider());
        world = await SlaWorld.SeedAsync(app.DbFactory);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderPage(BlazorTicketsTestContext context) =>
        context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<SlaReportPage>(1);
            builder.CloseComponent();
        });

    private static string Cell(AngleSharp.Dom.IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    [Fact]
    public async Task A_team_lead_sees_the_last_30_days_in_german_with_totals_rows_per_agent_a_chart_and_the_csv_link()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            await using var context = new BlazorTicketsTestContext(app);
            context.SignIn("lena", world.AnnaId, "Lena Lead", [Groups.TeamLeads], [Policies.Staff, Policies.TeamLead]);

            var page = RenderPage(context);

            page.WaitForAssertion(() => page.FindAll("[data-testid=sla-total-row]").Should().HaveCount(4), TimeSpan.FromSeconds(10));
            page.Find("h1").TextContent.Should().Be("Service-Level-Bericht");
            // 15 February to 16 March: the ten March stages and the one of 28 February, which was met.
            var all = page.Find("[data-testid=sla-total-row][data-target=all]");
            (Cell(all, "count-total"), Cell(all, "count-met"), Cell(all, "count-breached"), Cell(all, "count-running"), Cell(all, "count-attainment"))
                .Should().Be(("11", "5", "3", "3", "62,5 %"));
            var firstResponse = page.Find("[data-testid=sla-total-row][data-target=FirstResponse]");
            firstResponse.TextContent.Should().Contain("Erste Antwort");
            Cell(firstResponse, "count-attainment").Should().Be("50,0 %");
            page.Find("[data-testid=sla-report-csv]").GetAttribute("href").Should().Be("/reports/sla.csv?from=2026-02-15&to=2026-03-16");
            var agents = page.Find("[data-testid=sla-report-agent]");
            var unassigned = agents.QuerySelector("[data-testid=sla-report-row][data-key='']")!;
            unassigned.TextContent.Should().Contain("Nicht zugewiesen");
            Cell(unassigned, "count-breached").Should().Be("2");
            unassigned.QuerySelector("[data-testid=count-breached]")!.ClassList.Should().Contain("mud-error-text");
            Cell(unassigned, "attainment-FirstResponse").Should().Be("0,0 %");
            Cell(agents.QuerySelector($"[data-testid=sla-report-row][data-key='{world.BenId}']")!, "count-total").Should().Be("2");
            page.Find("[data-testid=sla-report-customer]").TextContent.Should().Contain("Northwind").And.Contain("Kein Kunde");
            page.Find("[data-testid=sla-report-chart]").InnerHtml.Should().Contain("Lösung");
            page.FindAll("[data-testid=sla-report-error]").Should().BeEmpty();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Theory]
    [InlineData("?from=2026-03-16&to=2026-03-01", "The start date must not be after the end date.")]
    [InlineData("?from=2025-01-01&to=2026-03-16", "Choose a period of at most 366 days.")]
    [InlineData("?from=yesterday", "Enter the dates as yyyy-MM-dd.")]
    public async Task A_bad_period_in_the_link_shows_what_is_wrong_and_no_numbers(string query, string message)
    {
        await using var context = new BlazorTicketsTestContext(app);
        context.SignIn("lena", world.AnnaId, "Lena Lead", [Groups.TeamLeads], [Policies.Staff, Policies.TeamLead]);
        context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/reports/sla" + query);

        var page = RenderPage(context);

        page.WaitForAssertion(() => page.Find("[data-testid=sla-report-error]").TextContent.Should().Be(message), TimeSpan.FromSeconds(10));
        page.FindAll("[data-testid=sla-total-row]").Should().BeEmpty();
        page.FindAll("[data-testid=sla-report-csv]").Should().BeEmpty();
    }

    [Fact]
    public async Task A_period_in_the_link_is_the_one_shown()
    {
        await using var context = new BlazorTicketsTestContext(app);
        context.SignIn("lena", world.AnnaId, "Lena Lead", [Groups.TeamLeads], [Policies.Staff, Policies.TeamLead]);
        context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/reports/sla?from=2026-03-17&to=2026-03-31");

        var page = RenderPage(context);

        page.WaitForAssertion(() => page.FindAll("[data-testid=sla-total-row]").Should().HaveCount(4), TimeSpan.FromSeconds(10));
        var all = page.Find("[data-testid=sla-total-row][data-target=all]");
        (Cell(all, "count-total"), Cell(all, "count-breached")).Should().Be(("1", "1"));
        page.Find("[data-testid=sla-report-csv]").GetAttribute("href").Should().Be("/reports/sla.csv?from=2026-03-17&to=2026-03-31");
    }
}
