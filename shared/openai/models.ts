/** `GET /v1/models`: the models an API key may use, in OpenAI's list format. */
export interface ModelList {
  object: 'list';
  data: ModelListEntry[];
}

export interface ModelListEntry {
  id: string;
  object: 'model';
  /** Unix seconds. */
  created: number;
  owned_by: string;
}
