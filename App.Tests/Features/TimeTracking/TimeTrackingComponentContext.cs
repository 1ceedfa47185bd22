using BlazorTickets.Features.Account;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.TimeTracking;

public static class TimeTrackingComponentContext
{
    /// <summary>Fakes the sign-in of an agent, a team lead or a billing clerk with the policies the app grants them.</summary>
    public static void SignInForTimeTracking(this BlazorTicketsTestContext context, string userId, string name, bool teamLead = false, bool billingClerk = false) =>
        context.SignIn(name, userId, name,
            [teamLead ? Groups.TeamLeads : billingClerk ? Groups.Billing : Groups.TicketSupport],
            teamLead ? [Policies.Staff, Policies.TeamLead] : billingClerk ? [Policies.Staff, Policies.Billing] : [Policies.Staff]);
}
