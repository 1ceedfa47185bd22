namespace BlazorTickets.Features.Api.Resources;

public static class TimeEntryApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
