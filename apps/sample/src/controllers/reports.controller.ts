import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type ZitadelUser } from 'nestjs-zitadel';
import { ReportDto } from '../dto/report.dto.js';
import { SampleRoles } from '../roles.js';

/** Sample data: the reports of one organisation. */
function reportsOf(orgId: string): ReportDto[] {
  return [
    { id: `${orgId}-revenue`, orgId, title: 'Revenue by quarter' },
    { id: `${orgId}-headcount`, orgId, title: 'Headcount' },
  ];
}

/** Reports: a role from any organisation, or from the organisation in the route. */
@ApiTags('reports')
@Controller()
export class ReportsController {
  @Roles(SampleRoles.reader, SampleRoles.admin)
  @Get('reports')
  @ApiOperation({
    summary: `The reports of every organisation that granted the caller "${SampleRoles.reader}" or "${SampleRoles.admin}"`,
  })
  @ApiOkResponse({ type: ReportDto, isArray: true })
  all(@CurrentUser() user: ZitadelUser): ReportDto[] {
    const orgIds = new Set(
      [SampleRoles.reader, SampleRoles.admin].flatMap((role) => Object.keys(user.roles[role] ?? {})),
    );
    return [...orgIds].flatMap(reportsOf);
  }

  @Roles({ anyOf: [SampleRoles.reader, SampleRoles.admin], org: { param: 'orgId' } })
  @Get('orgs/:orgId/reports')
  @ApiOperation({
    summary: `The reports of one organisation: "${SampleRoles.reader}" or "${SampleRoles.admin}" granted by that organisation`,
  })
  @ApiParam({ name: 'orgId', description: "ZITADEL's organisation id" })
  @ApiOkResponse({ type: ReportDto, isArray: true })
  forOrg(@Param('orgId') orgId: string): ReportDto[] {
    return reportsOf(orgId);
  }
}
