import { ApiProperty } from '@nestjs/swagger';

/** One report of an organisation (sample data). */
export class ReportDto {
  @ApiProperty({ example: '299342112230342658-revenue' })
  readonly id!: string;

  @ApiProperty({ description: 'The organisation the report belongs to', example: '299342112230342658' })
  readonly orgId!: string;

  @ApiProperty({ example: 'Revenue by quarter' })
  readonly title!: string;
}
