using BlazorTickets.Features.Tenants;

namespace BlazorTickets.Features.Customers;

public class Customer
{
    public int Id { get; set; }
    public string CustomerNumber { get; set; } = "";
    public string Name { get; set; } = "";
    public string Company { get; set; } = "";
    public string Address { get; set; } = "";
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public bool CreatedFromEmail { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<CustomerEmail> Emails { get; set; } = [];

    public string PrimaryEmail => Emails.OrderBy(e => e.Id).Select(e => e.Address).FirstOrDefault() ?? "";
}

public class CustomerEmail
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;
    /// <summary>Denormalised so that an address is unique per tenant.</summary>
    public int TenantId { get; set; }
    public string Address { get; set; } = "";
}
