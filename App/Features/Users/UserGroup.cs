namespace BlazorTickets.Features.Users;

public class UserGroup
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public decimal HourlyRate { get; set; }
    public List<UserGroupMembership> Members { get; set; } = [];
}

public class UserGroupMembership
{
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public int GroupId { get; set; }
    public UserGroup Group { get; set; } = null!;
}

/// <summary>Group names the application gives meaning to; they double as role names.</summary>
public static class Groups
{
    public const string TicketSupport = "Ticket-Support";
    public const string SeniorSupport = "Senior-Support";
    public const string Billing = "Billing";
    public const string TeamLeads = "Team leads";
    public const string Admins = "Admins";
    /// <summary>Not a group: the role every extranet login carries.</summary>
    public const string Customer = "Customer";

    public static readonly string[] Staff = [TicketSupport, SeniorSupport, Billing, TeamLeads, Admins];
}
