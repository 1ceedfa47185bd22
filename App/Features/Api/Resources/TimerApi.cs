namespace BlazorTickets.Features.Api.Resources;

public static class TimerApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
