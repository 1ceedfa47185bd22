namespace BlazorTickets.Features.Api.Resources;

public static class TicketApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
